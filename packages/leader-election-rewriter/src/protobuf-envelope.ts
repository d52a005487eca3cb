/**
 * The Kubernetes protobuf envelope: the magic `k8s\0`, then a `runtime.Unknown` message
 * {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4} whose `raw` holds
 * the object itself (apimachinery `runtime/serializer/protobuf`).
 */
import { concatBytes, fieldPayload, readFields, replaceFields } from './protobuf-wire.js';

/** The four bytes that open every enveloped Kubernetes protobuf body: `k8s\0`. */
export const K8S_PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const UNKNOWN_TYPE_META = 1;
const UNKNOWN_RAW = 2;
const UNKNOWN_CONTENT_ENCODING = 3;
const TYPE_META_KIND = 2;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether `bytes` starts with the `k8s\0` magic. */
export const hasK8sMagic = (bytes: Uint8Array): boolean => {
  // A loop, not `every`: the proxy asks once per watch event, and a callback would allocate.
  for (let index = 0; index < K8S_PROTOBUF_MAGIC.length; index += 1)
    if (bytes[index] !== K8S_PROTOBUF_MAGIC[index]) return false;
  return true;
};

/** Decodes a protobuf string payload; `undefined` when it is not UTF-8. */
export const decodeProtobufString = (payload: Uint8Array): string | undefined => {
  try {
    return decoder.decode(payload);
  } catch {
    return undefined;
  }
};

/** The last value of string field `number` of `message` (protobuf's last-one-wins rule). */
const lastString = (message: Uint8Array, number: number): string | undefined => {
  const field = (readFields(message) ?? []).filter((f) => f.number === number).at(-1);
  return field && decodeProtobufString(fieldPayload(message, field));
};

/**
 * Replaces the `raw` object of an enveloped body with `replace(raw, kind)`. Returns `bytes` itself
 * when it is not an envelope, when its `raw` is content-encoded (the apiserver never does this,
 * and we cannot read it), or when `replace` changed nothing.
 */
export const replaceEnvelopeRaw = (
  bytes: Uint8Array,
  replace: (raw: Uint8Array, kind: string) => Uint8Array,
): Uint8Array => {
  if (!hasK8sMagic(bytes)) return bytes;
  const unknown = bytes.subarray(K8S_PROTOBUF_MAGIC.length);
  const fields = readFields(unknown);
  if (fields === undefined) return bytes;
  if ((lastString(unknown, UNKNOWN_CONTENT_ENCODING) ?? '') !== '') return bytes;
  const typeMeta = fields.filter((f) => f.number === UNKNOWN_TYPE_META).at(-1);
  const kind = typeMeta ? lastString(fieldPayload(unknown, typeMeta), TYPE_META_KIND) : undefined;
  const replaced = replaceFields(unknown, UNKNOWN_RAW, (raw) => replace(raw, kind ?? ''));
  return replaced === unknown ? bytes : concatBytes([K8S_PROTOBUF_MAGIC, replaced]);
};
