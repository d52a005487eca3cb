import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integer, tlv } from './der.js';

// Reads back the header tlv wrote: the tag, and the length in its short or long form.
const readHeader = (encoded: Buffer): { tag: number; length: number; headerBytes: number } => {
  const first = encoded[1] ?? 0;
  if (first < 0x80) return { tag: encoded[0] ?? 0, length: first, headerBytes: 2 };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (encoded[2 + i] ?? 0);
  return { tag: encoded[0] ?? 0, length, headerBytes: 2 + count };
};

describe('tlv', () => {
  it('writes a header that reads back as the tag and the content length, in minimal form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (size) => {
        const encoded = tlv(0x04, Buffer.alloc(size, 0xab));
        const { tag, length, headerBytes } = readHeader(encoded);
        expect([tag, length, encoded.length - headerBytes]).toEqual([0x04, size, size]);
        // Minimal: a long form never has a leading zero byte, and is used only from 128 up.
        if (headerBytes > 2) {
          expect(encoded[2]).not.toBe(0);
          expect(size).toBeGreaterThanOrEqual(0x80);
        }
      }),
    );
  });
});

describe('integer', () => {
  it('keeps the value, non-negative, in the fewest bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (raw) => {
        const bytes = Buffer.from(raw.length === 0 ? [0] : raw);
        const content = integer(bytes).subarray(2);
        expect(BigInt(`0x${content.toString('hex')}`)).toBe(BigInt(`0x${bytes.toString('hex')}`));
        // Non-negative: the top bit of the first byte is clear.
        expect((content[0] ?? 0) & 0x80).toBe(0);
        // Fewest bytes: a leading zero only where the next byte's top bit needs it.
        if (content.length > 1 && content[0] === 0) expect((content[1] ?? 0) & 0x80).not.toBe(0);
      }),
    );
  });
});
