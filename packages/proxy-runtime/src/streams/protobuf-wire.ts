import { UpstreamMalformedError } from '../status/proxy-error.js';

/** One field of a protobuf message: its number, wire type, and where its value lies in the buffer. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** The whole field (tag included), for copying it unchanged. */
  readonly start: number;
  readonly end: number;
  /** For length-delimited fields (wire type 2): the value without its length prefix. */
  readonly value: Buffer;
}

const malformed = () =>
  new UpstreamMalformedError('a protobuf message from the kube-apiserver is malformed');

/** Reads a base-128 varint at `offset`; returns its value and the offset after it. */
export const readVarint = (buf: Buffer, offset: number): [number, number] => {
  let value = 0;
  let shift = 0;
  for (let at = offset; at < buf.length; at++) {
    const byte = buf[at]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
    shift += 7;
    if (shift > 63) break;
  }
  throw malformed();
};

/** Encodes a non-negative integer as a varint. */
export const varint = (value: number): Buffer => {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
};

/** A length-delimited field (`field`, wire type 2) holding `value`. */
export const lengthDelimited = (field: number, value: Buffer): Buffer =>
  Buffer.concat([varint(field * 8 + 2), varint(value.length), value]);

/** Every field of a message, in order. Throws UpstreamMalformedError on truncated input. */
export function* fields(buf: Buffer): Generator<WireField> {
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [tag, afterTag] = readVarint(buf, at);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    let value = buf.subarray(afterTag, afterTag);
    switch (wireType) {
      case 0:
        at = readVarint(buf, afterTag)[1];
        break;
      case 1:
        at = afterTag + 8;
        break;
      case 2: {
        const [length, afterLength] = readVarint(buf, afterTag);
        at = afterLength + length;
        value = buf.subarray(afterLength, at);
        break;
      }
      case 5:
        at = afterTag + 4;
        break;
      default:
        throw malformed();
    }
    if (at > buf.length) throw malformed();
    yield { field, wireType, start, end: at, value };
  }
}

/** The first length-delimited value of `field`, or undefined. */
export const firstBytes = (buf: Buffer, field: number): Buffer | undefined => {
  for (const f of fields(buf)) if (f.field === field && f.wireType === 2) return f.value;
  return undefined;
};
