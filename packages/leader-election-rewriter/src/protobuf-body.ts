/**
 * Lock names in enveloped Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`): the
 * object of a create or update, and the object, list or Status the apiserver answers. The envelope's
 * `kind` tells them apart, as the apiserver's own decoder does.
 */
import { replaceEnvelopeRaw } from './protobuf-envelope.js';
import { renameProtobufListItems, renameProtobufObject } from './protobuf-object-meta.js';
import { renameProtobufStatus } from './protobuf-status.js';
import type { Rename } from './rename.js';

/** Renames `metadata.name` of the enveloped object in a request body. */
export const renameProtobufRequestBody = (bytes: Uint8Array, rename: Rename): Uint8Array =>
  replaceEnvelopeRaw(bytes, (raw) => renameProtobufObject(raw, rename));

/** Renames the lock in an enveloped response body: an object, a `...List` or a `Status`. */
export const renameProtobufResponse = (bytes: Uint8Array, rename: Rename): Uint8Array =>
  replaceEnvelopeRaw(bytes, (raw, kind) => {
    if (kind === 'Status') return renameProtobufStatus(raw, rename);
    if (kind.endsWith('List')) return renameProtobufListItems(raw, rename);
    return renameProtobufObject(raw, rename);
  });
