/**
 * Object names in protobuf: every Kubernetes object message keeps its `ObjectMeta` in field 1,
 * and `ObjectMeta.name` is field 1 (`k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`);
 * lists keep their items in field 2.
 */

import { replaceFields } from './protobuf-wire.js';
import type { Rename } from './rename.js';

const OBJECT_METADATA = 1;
const OBJECT_META_NAME = 1;
const LIST_ITEMS = 2;

const encoder = new TextEncoder();

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, index) => byte === b[index]);

/**
 * A replacement for a string payload that is exactly `rename.from` (compared as UTF-8 bytes), or
 * `undefined` for any other payload.
 */
export const renameExactPayload = (
  rename: Rename,
): ((payload: Uint8Array) => Uint8Array | undefined) => {
  const from = encoder.encode(rename.from);
  const to = encoder.encode(rename.to);
  return (payload) => (sameBytes(payload, from) ? to : undefined);
};

/** Renames `metadata.name` of a protobuf object message (no envelope); other bytes are kept. */
export const renameProtobufObject = (object: Uint8Array, rename: Rename): Uint8Array => {
  const renameName = renameExactPayload(rename);
  return replaceFields(object, OBJECT_METADATA, (metadata) =>
    replaceFields(metadata, OBJECT_META_NAME, renameName),
  );
};

/** Renames `metadata.name` of every item of a protobuf list message (no envelope). */
export const renameProtobufListItems = (list: Uint8Array, rename: Rename): Uint8Array =>
  replaceFields(list, LIST_ITEMS, (item) => renameProtobufObject(item, rename));
