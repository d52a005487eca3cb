/**
 * Lock names in protobuf watch events. The apiserver frames a watch as length-prefixed
 * `metav1.WatchEvent` messages {type=1, object=2 (RawExtension {raw=1})} written by the raw
 * serializer, i.e. without the `k8s\0` envelope, while the object inside `raw` is enveloped
 * (apimachinery `codec_factory.go`: the stream serializer is `NewRawSerializer`).
 */
import { renameProtobufResponse } from './protobuf-body.js';
import { hasK8sMagic, replaceEnvelopeRaw } from './protobuf-envelope.js';
import { replaceFields } from './protobuf-wire.js';
import type { Rename } from './rename.js';

const EVENT_OBJECT = 2;
const RAW_EXTENSION_RAW = 1;

const renameEvent = (event: Uint8Array, rename: Rename): Uint8Array =>
  replaceFields(event, EVENT_OBJECT, (extension) =>
    replaceFields(extension, RAW_EXTENSION_RAW, (raw) => renameProtobufResponse(raw, rename)),
  );

/**
 * Renames the lock in the payload of one watch frame (without its 4-byte length prefix). An
 * enveloped event is accepted too, so a client that re-encodes events with the envelope is served.
 */
export const renameProtobufWatchEvent = (frame: Uint8Array, rename: Rename): Uint8Array =>
  hasK8sMagic(frame)
    ? replaceEnvelopeRaw(frame, (event) => renameEvent(event, rename))
    : renameEvent(frame, rename);
