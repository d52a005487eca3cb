/**
 * Lock names in a protobuf `metav1.Status` {message=3, details=5 {name=1}}: the apiserver's
 * NotFound, AlreadyExists and Conflict answers name the object it looked for.
 */
import { decodeProtobufString } from './protobuf-envelope.js';
import { renameExactPayload } from './protobuf-object-meta.js';
import { replaceFields } from './protobuf-wire.js';
import { type Rename, renameQuoted } from './rename.js';

const STATUS_MESSAGE = 3;
const STATUS_DETAILS = 5;
const DETAILS_NAME = 1;

const encoder = new TextEncoder();

/** Renames `details.name` and the quoted name in `message` of a Status message (no envelope). */
export const renameProtobufStatus = (status: Uint8Array, rename: Rename): Uint8Array => {
  const renameName = renameExactPayload(rename);
  const withDetails = replaceFields(status, STATUS_DETAILS, (details) =>
    replaceFields(details, DETAILS_NAME, renameName),
  );
  return replaceFields(withDetails, STATUS_MESSAGE, (payload) => {
    const message = decodeProtobufString(payload);
    if (message === undefined) return undefined;
    const renamed = renameQuoted(message, rename);
    return renamed === message ? undefined : encoder.encode(renamed);
  });
};
