/**
 * Just enough of the protobuf wire format to replace length-delimited fields inside nested
 * messages: fields are read as spans, replaced ones get a fresh length varint, and every other byte
 * (unknown fields, field order, non-minimal varints) is copied as it was. Malformed input gives
 * `undefined`, never an exception or a read past the end.
 */

/** One field of a message: its number, wire type, and where its tag, payload and end are. */
export interface WireField {
  readonly number: number;
  readonly wireType: number;
  readonly start: number;
  readonly tagEnd: number;
  readonly payloadStart: number;
  readonly end: number;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** The value and the position after a varint, or `undefined` when it is cut off or too long. */
const readVarint = (
  bytes: Uint8Array,
  pos: number,
): { value: number; next: number } | undefined => {
  let value = 0;
  let scale = 1;
  for (let at = pos; at < bytes.length && at < pos + 10; at += 1) {
    const byte = bytes[at]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: at + 1 };
  }
  return undefined;
};

/** The minimal varint encoding of a non-negative integer (lengths and sizes). */
export const encodeVarint = (value: number): Uint8Array => {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
};

/** Ends of the payload of a field after its tag, by wire type; groups (3, 4) are not supported. */
const payloadEnd = (
  bytes: Uint8Array,
  wireType: number,
  pos: number,
): { payloadStart: number; end: number } | undefined => {
  switch (wireType) {
    case VARINT: {
      const varint = readVarint(bytes, pos);
      return varint && { payloadStart: pos, end: varint.next };
    }
    case FIXED64:
      return { payloadStart: pos, end: pos + 8 };
    case LENGTH_DELIMITED: {
      const length = readVarint(bytes, pos);
      return length && { payloadStart: length.next, end: length.next + length.value };
    }
    case FIXED32:
      return { payloadStart: pos, end: pos + 4 };
    default:
      return undefined;
  }
};

/** Every field of the message `bytes` in wire order, or `undefined` when it is not a message. */
export const readFields = (bytes: Uint8Array): WireField[] | undefined => {
  const fields: WireField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (tag === undefined || tag.value < 8) return undefined;
    const wireType = tag.value % 8;
    const payload = payloadEnd(bytes, wireType, tag.next);
    if (payload === undefined || payload.end > bytes.length) return undefined;
    fields.push({
      number: Math.floor(tag.value / 8),
      wireType,
      start: at,
      tagEnd: tag.next,
      ...payload,
    });
    at = payload.end;
  }
  return fields;
};

/** The payload of a length-delimited field. */
export const fieldPayload = (bytes: Uint8Array, field: WireField): Uint8Array =>
  bytes.subarray(field.payloadStart, field.end);

/**
 * Replaces the payloads of the length-delimited fields numbered `number` with what `replace`
 * returns for them (`undefined` or the same array keeps a field as it was). Returns `bytes` itself
 * when nothing changed or when `bytes` is not a well-formed message.
 */
export const replaceFields = (
  bytes: Uint8Array,
  number: number,
  replace: (payload: Uint8Array) => Uint8Array | undefined,
): Uint8Array => {
  const fields = readFields(bytes);
  if (fields === undefined) return bytes;
  const parts: Uint8Array[] = [];
  let copiedUpTo = 0;
  for (const field of fields) {
    if (field.number !== number || field.wireType !== LENGTH_DELIMITED) continue;
    const payload = fieldPayload(bytes, field);
    const replaced = replace(payload);
    if (replaced === undefined || replaced === payload) continue;
    // Keep the original tag bytes; only the length and the payload are new.
    parts.push(bytes.subarray(copiedUpTo, field.tagEnd), encodeVarint(replaced.length), replaced);
    copiedUpTo = field.end;
  }
  if (parts.length === 0) return bytes;
  parts.push(bytes.subarray(copiedUpTo));
  return concatBytes(parts);
};

/** Joins byte arrays into one. */
export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
