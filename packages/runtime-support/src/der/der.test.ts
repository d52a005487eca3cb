import { describe, expect, it } from 'vitest';
import { integer, oid, time, tlv } from './der.js';

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

describe('tlv', () => {
  it('writes a length under 128 in one byte and a longer one in the long form', () => {
    expect(hex(tlv(0x04, Buffer.alloc(127)).subarray(0, 2))).toBe('047f');
    expect(hex(tlv(0x04, Buffer.alloc(128)).subarray(0, 3))).toBe('048180');
    expect(hex(tlv(0x04, Buffer.alloc(256)).subarray(0, 4))).toBe('04820100');
  });
});

describe('oid', () => {
  it('packs the first two arcs into one byte and writes larger arcs in base 128', () => {
    // 1.2.840.113549.1.1.11 is sha256WithRSAEncryption.
    expect(hex(oid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(hex(oid('2.5.4.3'))).toBe('0603550403');
  });
});

describe('time', () => {
  it('writes UTCTime through 2049 and GeneralizedTime from 2050, in whole seconds', () => {
    const utc = time(new Date('2049-12-31T23:59:59.999Z'));
    expect([utc[0], utc.subarray(2).toString()]).toEqual([0x17, '491231235959Z']);
    const generalized = time(new Date('2050-01-01T00:00:00Z'));
    expect([generalized[0], generalized.subarray(2).toString()]).toEqual([0x18, '20500101000000Z']);
  });
});
