import { describe, expect, it } from 'vitest';
import { filterableRequestHeaders, readableFormat } from './filterable-request.js';

describe('filterableRequestHeaders', () => {
  const accept =
    'application/vnd.kubernetes.protobuf, application/json;as=Table;v=v1;g=meta.k8s.io, application/json';

  it('keeps JSON entries of Accept for lists and drops protobuf and compression', () => {
    expect(
      filterableRequestHeaders({ accept, 'accept-encoding': 'gzip', authorization: 'Bearer t' }),
    ).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json',
      authorization: 'Bearer t',
    });
  });

  it('keeps protobuf first where the filter streams it (watches)', () => {
    expect(
      filterableRequestHeaders(
        { accept: 'application/vnd.kubernetes.protobuf, */*' },
        { protobuf: 'preferred' },
      ).accept,
    ).toBe('application/vnd.kubernetes.protobuf, */*');
  });

  it('asks for a protobuf list only from a client that accepts nothing else', () => {
    const only = { accept: 'application/vnd.kubernetes.protobuf' };
    expect(filterableRequestHeaders(only, { protobuf: 'fallback' }).accept).toBe(
      'application/vnd.kubernetes.protobuf',
    );
    expect(filterableRequestHeaders({ accept }, { protobuf: 'fallback' }).accept).not.toContain(
      'protobuf',
    );
  });

  it('asks for JSON when the client accepted nothing readable', () => {
    expect(filterableRequestHeaders({ accept: 'application/yaml' }).accept).toBe(
      'application/json',
    );
    expect(filterableRequestHeaders({}).accept).toBe('application/json');
  });

  it('names the filter that reads a response', () => {
    expect(readableFormat('application/json; charset=utf-8')).toBe('json');
    expect(readableFormat('application/vnd.kubernetes.protobuf;stream=watch')).toBe('protobuf');
    expect(readableFormat('application/yaml')).toBeUndefined();
  });
});
