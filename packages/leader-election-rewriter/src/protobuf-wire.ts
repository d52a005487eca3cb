/**
 * Just enough of the protobuf wire format to read Kubernetes messages and to replace
 * length-delimited fields inside nested messages: fields are read as spans, replaced ones get a
 * fresh length varint, and every other byte (unknown fields, field order, non-minimal varints) is
 * copied as it was. Malformed input stops a read, never throws and never reads past the end.
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
/** The wire type of strings, bytes, nested messages and packed repeated fields. */
export const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

// A varint of up to 64 bits; a longer run of continuation bytes is malformed.
const MAX_VARINT_BYTES = 10;

/**
 * Walks the fields of one message in wire order. `next()` moves to the following field and updates
 * this object in place, so a walk allocates nothing per field: the proxy runs one for every object
 * of a list or watch. Callers only read the fields; `next()` alone writes them.
 */
export class WireFieldCursor implements WireField {
  number = 0;
  wireType = 0;
  start = 0;
  tagEnd = 0;
  payloadStart = 0;
  end = 0;
  /** Whether the walk stopped at bytes that are no field (cut off, a group, field number 0). */
  malformed = false;
  readonly #bytes: Uint8Array;
  // The value of the last varint read: a second result of #readVarint without an allocation.
  #varint = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Moves to the next field: `true` when there is one, `false` at the end or at malformed bytes. */
  next(): boolean {
    const bytes = this.#bytes;
    const start = this.end;
    if (this.malformed || start >= bytes.length) return false;
    const tagEnd = this.#readVarint(start);
    const tag = this.#varint;
    if (tagEnd < 0 || tag < 8) return this.#stop();
    const wireType = tag % 8;
    let payloadStart = tagEnd;
    let end: number;
    switch (wireType) {
      case VARINT:
        end = this.#readVarint(tagEnd);
        break;
      case FIXED64:
        end = tagEnd + 8;
        break;
      case LENGTH_DELIMITED:
        payloadStart = this.#readVarint(tagEnd);
        end = payloadStart < 0 ? -1 : payloadStart + this.#varint;
        break;
      case FIXED32:
        end = tagEnd + 4;
        break;
      default:
        // Groups (3, 4) are deprecated and appear in no Kubernetes type.
        return this.#stop();
    }
    if (end < 0 || end > bytes.length) return this.#stop();
    this.number = Math.floor(tag / 8);
    this.wireType = wireType;
    this.start = start;
    this.tagEnd = tagEnd;
    this.payloadStart = payloadStart;
    this.end = end;
    return true;
  }

  #stop(): false {
    this.malformed = true;
    return false;
  }

  /** The position after the varint at `pos` (its value in #varint), or -1 when cut off or too long. */
  #readVarint(pos: number): number {
    const bytes = this.#bytes;
    const last = Math.min(bytes.length, pos + MAX_VARINT_BYTES);
    let value = 0;
    let scale = 1;
    for (let at = pos; at < last; at += 1) {
      const byte = bytes[at]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) {
        this.#varint = value;
        return at + 1;
      }
    }
    return -1;
  }
}

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

/** Every field of the message `bytes` in wire order, or `undefined` when it is not a message. */
export const readFields = (bytes: Uint8Array): WireField[] | undefined => {
  const fields: WireField[] = [];
  const cursor = new WireFieldCursor(bytes);
  while (cursor.next()) {
    const { number, wireType, start, tagEnd, payloadStart, end } = cursor;
    fields.push({ number, wireType, start, tagEnd, payloadStart, end });
  }
  return cursor.malformed ? undefined : fields;
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
