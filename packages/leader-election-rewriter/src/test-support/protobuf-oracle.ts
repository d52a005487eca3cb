/**
 * Test-only protobuf encoder and schema-driven decoder. It is written independently of
 * `protobuf-wire.ts` on purpose: tests build bodies with it and decode rewritten bodies with it,
 * so a mistake in the production walker cannot hide behind the same mistake in the check.
 */

/** A field value to encode: a string, raw bytes, a nested message, or a varint. */
export type OracleValue =
  | string
  | Uint8Array
  | readonly OracleField[]
  | { readonly varint: number };
/** A field number and its value; repeated fields are repeated entries. */
export type OracleField = readonly [number, OracleValue];

/** Which fields of a message are themselves messages (decoded further); others stay bytes. */
export interface OracleSchema {
  readonly [field: number]: OracleSchema;
}

/**
 * A decoded field: nested messages as arrays, everything else as its payload in hex (strings keep
 * deep comparisons of large bodies fast).
 */
export type DecodedField = readonly [number, string | readonly DecodedField[]];

const encoder = new TextEncoder();

const varint = (value: number): number[] => {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low + 128 : low);
  } while (rest > 0);
  return out;
};

const join = (parts: readonly (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** Bytes as lower-case hex, for fast and readable comparisons. */
export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** Encodes a message field by field, in the order given. */
export const encodeMessage = (fields: readonly OracleField[]): Uint8Array =>
  join(
    fields.map(([number, value]) => {
      if (typeof value === 'object' && 'varint' in value) {
        return join([varint(number * 8), varint(value.varint)]);
      }
      const payload =
        typeof value === 'string'
          ? encoder.encode(value)
          : value instanceof Uint8Array
            ? value
            : encodeMessage(value);
      return join([varint(number * 8 + 2), varint(payload.length), payload]);
    }),
  );

/** An enveloped body: `k8s\0` + runtime.Unknown {typeMeta {apiVersion, kind}, raw}. */
export const encodeEnvelope = (apiVersion: string, kind: string, raw: Uint8Array): Uint8Array =>
  join([
    [0x6b, 0x38, 0x73, 0x00],
    encodeMessage([
      [
        1,
        [
          [1, apiVersion],
          [2, kind],
        ],
      ],
      [2, raw],
    ]),
  ]);

const readVarint = (bytes: Uint8Array, at: number): [number, number] => {
  let value = 0;
  let scale = 1;
  for (let pos = at; pos < bytes.length; pos += 1) {
    value += (bytes[pos]! & 0x7f) * scale;
    scale *= 128;
    if (bytes[pos]! < 0x80) return [value, pos + 1];
  }
  throw new Error('truncated varint');
};

/** Decodes a message; fields in `schema` are decoded as messages, recursively. Throws if malformed. */
export const decodeMessage = (bytes: Uint8Array, schema: OracleSchema = {}): DecodedField[] => {
  const fields: DecodedField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, at);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) {
      const [, end] = readVarint(bytes, afterTag);
      fields.push([number, hex(bytes.subarray(afterTag, end))]);
      at = end;
    } else if (wireType === 2) {
      const [length, start] = readVarint(bytes, afterTag);
      if (start + length > bytes.length) throw new Error('truncated field');
      const payload = bytes.subarray(start, start + length);
      const sub = schema[number];
      fields.push([number, sub ? decodeMessage(payload, sub) : hex(payload)]);
      at = start + length;
    } else if (wireType === 1 || wireType === 5) {
      const end = afterTag + (wireType === 1 ? 8 : 4);
      fields.push([number, hex(bytes.subarray(afterTag, end))]);
      at = end;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
};

/** Decodes an enveloped body: the magic, then runtime.Unknown with `raw` decoded by `rawSchema`. */
export const decodeEnvelope = (bytes: Uint8Array, rawSchema: OracleSchema): DecodedField[] => {
  if (bytes[0] !== 0x6b || bytes[1] !== 0x38 || bytes[2] !== 0x73 || bytes[3] !== 0x00) {
    throw new Error('no k8s magic');
  }
  return decodeMessage(bytes.subarray(4), { 1: {}, 2: rawSchema });
};

/** Schema of an object message down to `metadata.name` (ObjectMeta is field 1). */
export const OBJECT_SCHEMA: OracleSchema = { 1: {} };
/** Schema of a list message: items (field 2) are objects. */
export const LIST_SCHEMA: OracleSchema = { 1: {}, 2: OBJECT_SCHEMA };
/** Schema of a Status message: details (field 5). */
export const STATUS_SCHEMA: OracleSchema = { 1: {}, 5: {} };

/** Replaces, in a decoded tree, the payload at `path` (field numbers) with `value`. */
export const withPayload = (
  fields: readonly DecodedField[],
  path: readonly number[],
  value: Uint8Array,
): DecodedField[] =>
  fields.map(([number, payload]) => {
    if (number !== path[0]) return [number, payload];
    if (path.length === 1) return [number, hex(value)];
    if (typeof payload === 'string') return [number, payload];
    return [number, withPayload(payload, path.slice(1), value)];
  });
