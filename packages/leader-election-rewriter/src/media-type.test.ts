import { describe, expect, it } from 'vitest';
import { bodyFormat } from './media-type.js';

describe('bodyFormat', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json;charset=utf-8', 'json'],
    ['Application/JSON; stream=watch', 'json'],
    ['application/merge-patch+json', 'json'],
    ['application/strategic-merge-patch+json', 'json'],
    ['application/apply-patch+yaml', 'json'],
    ['application/vnd.kubernetes.protobuf', 'protobuf'],
    ['application/vnd.kubernetes.protobuf;stream=watch', 'protobuf'],
    ['application/yaml', undefined],
    ['application/cbor', undefined],
    ['text/plain', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s is %s', (contentType, format) => {
    expect(bodyFormat(contentType)).toBe(format);
  });
});
