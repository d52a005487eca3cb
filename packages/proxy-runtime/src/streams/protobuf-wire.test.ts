import { describe, expect, it } from 'vitest';
import { objectOf, openEnvelope, sealEnvelope, typeMetaOf } from './kube-protobuf.js';
import { firstBytes, lengthDelimited, withoutFields } from './protobuf-wire.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('protobuf wire (proxy side)', () => {
  it('writes length-delimited fields that read back', () => {
    const message = Buffer.concat([
      lengthDelimited(1, Buffer.from('a')),
      lengthDelimited(2, Buffer.alloc(200, 0x62)),
      lengthDelimited(1, Buffer.from('c')),
    ]);
    expect([...message.subarray(0, 3)]).toEqual([0x0a, 0x01, 0x61]);
    expect([...message.subarray(3, 6)]).toEqual([0x12, 0xc8, 0x01]);
    expect(firstBytes(message, 1)?.toString()).toBe('a');
    expect(firstBytes(message, 2)).toHaveLength(200);
    expect(firstBytes(message, 3)).toBeUndefined();
  });

  it('finds only length-delimited values', () => {
    expect(firstBytes(bytes(0x08, 0x05, 0x0a, 0x01, 0x61), 1)?.toString()).toBe('a');
  });

  it('drops the fields asked for and keeps every other byte in order', () => {
    const message = bytes(0x0a, 0x01, 0x61, 0x10, 0x96, 0x01, 0x0a, 0x00, 0x1d, 1, 2, 3, 4);
    expect([...withoutFields(message, [1])]).toEqual([0x10, 0x96, 0x01, 0x1d, 1, 2, 3, 4]);
    expect([...withoutFields(message, [1, 2, 3])]).toEqual([]);
    expect(withoutFields(message, [])).toEqual(message);
  });

  it.each([
    ['a truncated length', [0x0a, 0x05, 0x61]],
    ['a truncated varint', [0x08, 0x80]],
    ['a cut-off fixed64', [0x09, 1, 2, 3]],
    ['a group', [0x0b, 0x0c]],
    ['field number 0', [0x02, 0x00]],
    ['a varint longer than 64 bits', [0x08, ...Array<number>(10).fill(0xff), 0x01]],
  ])('refuses %s from the kube-apiserver', (_, message) => {
    const malformed = { code: 'UPSTREAM_MALFORMED' };
    expect(() => firstBytes(bytes(...message), 9)).toThrow(expect.objectContaining(malformed));
    expect(() => withoutFields(bytes(...message), [])).toThrow(expect.objectContaining(malformed));
    const object = lengthDelimited(1, bytes(...message));
    expect(() => objectOf(object)).toThrow(expect.objectContaining(malformed));
  });

  it('stops at the field it looks for, before bytes it need not read', () => {
    expect(firstBytes(bytes(0x0a, 0x01, 0x61, 0x0a, 0x05), 1)?.toString()).toBe('a');
  });

  it('opens and seals the k8s envelope, other envelope fields kept', () => {
    const rest = lengthDelimited(4, Buffer.from('application/vnd.kubernetes.protobuf'));
    const sealed = sealEnvelope(typeMetaOf('v1', 'ConfigMap'), Buffer.from('raw'), rest);
    expect([...sealed.subarray(0, 4)]).toEqual([0x6b, 0x38, 0x73, 0x00]);
    expect(openEnvelope(sealed)).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      raw: Buffer.from('raw'),
      rest,
    });
    expect(() => openEnvelope(Buffer.from('k8s'))).toThrow(
      expect.objectContaining({ code: 'UPSTREAM_MALFORMED' }),
    );
  });
});
