import { describe, expect, it } from 'vitest';
import { objectBody, patchBody, patchTypeOf } from './object-body.js';

describe('objectBody', () => {
  it('reads JSON (also without a Content-Type) and YAML bodies', () => {
    const json = Buffer.from('{"metadata":{"labels":{"shard":"a"}}}');
    expect(objectBody('application/json; charset=utf-8', json).metadata?.labels).toEqual({
      shard: 'a',
    });
    expect(objectBody(undefined, json).metadata?.labels).toEqual({ shard: 'a' });
    expect(
      objectBody('application/yaml', Buffer.from('metadata:\n  labels: {shard: a}\n')).metadata
        ?.labels,
    ).toEqual({ shard: 'a' });
  });

  it('reads YAML as the apiserver does, YAML 1.1: an octal-looking 0o17 stays a string', () => {
    const yaml = Buffer.from('metadata:\n  labels:\n    build: 0o17\n');
    expect(patchBody('apply', yaml)).toEqual({ metadata: { labels: { build: '0o17' } } });
  });

  it('refuses bodies that are not one object, or not in a format it reads, with 415', () => {
    for (const [type, body] of [
      ['application/json', '[1]'],
      ['application/json', '{'],
      ['application/yaml', '- a'],
      ['application/cbor', '{}'],
    ] as const) {
      expect(() => objectBody(type, Buffer.from(body))).toThrow(
        expect.objectContaining({ code: 'UNREADABLE_BODY' }),
      );
    }
  });
});

describe('patchTypeOf', () => {
  it('names the four patch types the apiserver takes and refuses others', () => {
    expect(patchTypeOf('application/apply-patch+yaml')).toBe('apply');
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(() => patchTypeOf('application/apply-patch+cbor')).toThrow(
      expect.objectContaining({ code: 'UNREADABLE_BODY' }),
    );
  });
});
