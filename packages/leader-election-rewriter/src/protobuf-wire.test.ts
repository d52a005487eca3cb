import { describe, expect, it } from 'vitest';
import { encodeVarint, readFields, replaceFields, WireFieldCursor } from './protobuf-wire.js';
import { encodeMessage } from './test-support/protobuf-oracle.js';

const upper = (payload: Uint8Array): Uint8Array =>
  new TextEncoder().encode(new TextDecoder().decode(payload).toUpperCase());

describe('protobuf wire', () => {
  it.each([
    [0, [0]],
    [127, [127]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
  ])('encodes %i as a minimal varint', (value, expected) => {
    expect([...encodeVarint(value)]).toEqual(expected);
  });

  it('reads every wire type it may meet in a Kubernetes object', () => {
    const message = Uint8Array.of(
      ...[0x08, 0x96, 0x01], // 1: varint 150
      ...[0x11, 1, 2, 3, 4, 5, 6, 7, 8], // 2: fixed64
      ...[0x1a, 0x02, 0x68, 0x69], // 3: "hi"
      ...[0x25, 1, 2, 3, 4], // 4: fixed32
    );
    expect(readFields(message)!.map((f) => [f.number, f.wireType, f.end])).toEqual([
      [1, 0, 3],
      [2, 1, 12],
      [3, 2, 16],
      [4, 5, 21],
    ]);
  });

  it.each([
    ['a truncated length', [0x0a, 0x05, 0x61]],
    ['a truncated varint', [0x08, 0x80]],
    ['a group', [0x0b, 0x0c]],
    ['field number 0', [0x02, 0x00]],
    ['a varint longer than 64 bits', [0x08, ...Array(10).fill(0xff), 0x01]],
  ])('rejects %s', (_, message) => {
    expect(readFields(Uint8Array.from(message))).toBeUndefined();
    const bytes = Uint8Array.from(message);
    expect(replaceFields(bytes, 1, upper)).toBe(bytes);
  });

  it('reads a varint of the full 64 bits', () => {
    const message = Uint8Array.of(0x08, ...Array(9).fill(0xff), 0x01, 0x12, 0x00);
    expect(readFields(message)!.map((f) => [f.number, f.end])).toEqual([
      [1, 11],
      [2, 13],
    ]);
  });

  it('walks the fields in place, and tells the end of a message from malformed bytes', () => {
    const message = encodeMessage([
      [1, 'a'],
      [3, { varint: 300 }],
      [2, [[1, 'b']]],
    ]);
    const cursor = new WireFieldCursor(message);
    const seen: number[][] = [];
    while (cursor.next())
      seen.push([cursor.number, cursor.wireType, cursor.payloadStart, cursor.end]);
    expect(seen).toEqual(
      readFields(message)!.map((f) => [f.number, f.wireType, f.payloadStart, f.end]),
    );
    expect(cursor.malformed).toBe(false);

    const cut = new WireFieldCursor(Uint8Array.of(0x0a, 0x01, 0x61, 0x0a, 0x05, 0x61));
    expect(cut.next()).toBe(true);
    expect([cut.next(), cut.malformed]).toEqual([false, true]);
    expect(cut.next()).toBe(false);
  });

  it('replaces payloads, re-encodes lengths and copies every other byte', () => {
    const message = encodeMessage([
      [2, 'keep'],
      [1, 'a'.repeat(127)],
      [3, { varint: 300 }],
      [1, 'b'],
    ]);
    const replaced = replaceFields(message, 1, (p) => (p.length === 1 ? undefined : upper(p)));
    expect([...replaced]).toEqual([
      ...encodeMessage([
        [2, 'keep'],
        [1, 'A'.repeat(127)],
        [3, { varint: 300 }],
        [1, 'b'],
      ]),
    ]);
    const grown = replaceFields(message, 1, () => new Uint8Array(128));
    expect(readFields(grown)!.map((f) => f.end - f.payloadStart)).toEqual([4, 128, 2, 128]);
  });

  it('keeps a non-minimal tag spelling when it replaces the payload', () => {
    const message = Uint8Array.of(0x8a, 0x00, 0x01, 0x61); // field 1 tag in two bytes
    expect([...replaceFields(message, 1, upper)]).toEqual([0x8a, 0x00, 0x01, 0x41]);
  });

  it('returns the same array when nothing is replaced', () => {
    const message = encodeMessage([[1, 'a']]);
    expect(replaceFields(message, 1, () => undefined)).toBe(message);
    expect(replaceFields(message, 2, upper)).toBe(message);
  });
});
