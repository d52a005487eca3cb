import { describe, expect, it } from 'vitest';
import { integer } from './der.js';

const hex = (bytes: Buffer) => bytes.toString('hex');

describe('integer', () => {
  it('encodes in the one minimal DER form', () => {
    expect(hex(integer(Buffer.from([0x2d, 0x8f])))).toBe('02022d8f');
    // A leading zero byte is dropped unless the next byte would read as negative.
    expect(hex(integer(Buffer.from([0x00, 0x2d, 0x8f])))).toBe('02022d8f');
    expect(hex(integer(Buffer.from([0x00, 0x00, 0x80])))).toBe('02020080');
    expect(hex(integer(Buffer.from([0x80])))).toBe('02020080');
    expect(hex(integer(Buffer.from([0x00])))).toBe('020100');
    expect(hex(integer(Buffer.from([0x00, 0x00])))).toBe('020100');
  });
});
