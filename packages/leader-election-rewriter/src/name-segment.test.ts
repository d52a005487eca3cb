import { describe, expect, it } from 'vitest';
import { appendToNameSegment } from './name-segment.js';

describe('name segment', () => {
  it('appends to the last segment only, even when the namespace has the same name', () => {
    expect(
      appendToNameSegment(
        '/api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller?timeout=10s',
        'cafeextcontroller',
        '---ctrlmeshtest',
      ),
    ).toBe(
      '/api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller---ctrlmeshtest?timeout=10s',
    );
  });

  it('keeps a percent-encoded spelling of the name', () => {
    expect(appendToNameSegment('/api/v1/namespaces/n/configmaps/%6Cock', 'lock', '---s')).toBe(
      '/api/v1/namespaces/n/configmaps/%6Cock---s',
    );
  });

  it('skips trailing slashes, which Kubernetes trims before it reads the name', () => {
    expect(appendToNameSegment('/api/v1/namespaces/n/configmaps/lock//?x=1', 'lock', '---s')).toBe(
      '/api/v1/namespaces/n/configmaps/lock---s//?x=1',
    );
  });

  it.each([
    '/',
    '',
    '/api/v1/namespaces/lock/configmaps/lock---s',
    '/api/v1/namespaces/lock/configmaps/lock2',
    '/api/v1/namespaces/lock/configmaps',
    '/api/v1/namespaces/n/configmaps/%E0%A4%A',
    '/api/v1/namespaces/n/configmaps/x?name=lock',
  ])('does not touch %s', (url) => {
    expect(appendToNameSegment(url, 'lock', '---s')).toBeUndefined();
  });
});
