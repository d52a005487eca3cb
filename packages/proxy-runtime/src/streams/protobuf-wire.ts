/**
 * Protobuf fields the proxy's way: Buffers in and out, and an UpstreamMalformedError where the
 * kube-apiserver's bytes are malformed. The reading itself is leader-election-rewriter's
 * WireFieldCursor, one walker for both packages.
 */
import { wire } from '@ctrlmesh/leader-election-rewriter';
import { UpstreamMalformedError } from '../status/proxy-error.js';

const { encodeVarint, LENGTH_DELIMITED, WireFieldCursor } = wire;

/** Moves `field` to the next field of its message: `false` at the end; throws on malformed bytes. */
export const nextField = (field: wire.WireFieldCursor): boolean => {
  if (field.next()) return true;
  if (field.malformed)
    throw new UpstreamMalformedError('a protobuf message from the kube-apiserver is malformed');
  return false;
};

/** The first length-delimited value of field `number`, or undefined. */
export const firstBytes = (buf: Buffer, number: number): Buffer | undefined => {
  const field = new WireFieldCursor(buf);
  while (nextField(field))
    if (field.number === number && field.wireType === LENGTH_DELIMITED)
      return buf.subarray(field.payloadStart, field.end);
  return undefined;
};

/** The message without its fields numbered in `numbers`; the others keep their bytes and order. */
export const withoutFields = (buf: Buffer, numbers: readonly number[]): Buffer => {
  const kept: Buffer[] = [];
  const field = new WireFieldCursor(buf);
  while (nextField(field))
    if (!numbers.includes(field.number)) kept.push(buf.subarray(field.start, field.end));
  return Buffer.concat(kept);
};

/** A length-delimited field (`number`, wire type 2) holding `value`. */
export const lengthDelimited = (number: number, value: Uint8Array): Buffer =>
  Buffer.concat([encodeVarint(number * 8 + LENGTH_DELIMITED), encodeVarint(value.length), value]);
