import { describe, expect, it } from 'vitest';
import { filterableRequestHeaders, isJsonResponse } from './filterable-request.js';

describe('filterableRequestHeaders', () => {
  it('keeps JSON entries of Accept and drops protobuf and compression', () => {
    expect(
      filterableRequestHeaders({
        accept:
          'application/vnd.kubernetes.protobuf, application/json;as=Table;v=v1;g=meta.k8s.io, application/json',
        'accept-encoding': 'gzip',
        authorization: 'Bearer t',
      }),
    ).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json',
      authorization: 'Bearer t',
    });
  });

  it('asks for JSON when the client accepted nothing readable', () => {
    expect(filterableRequestHeaders({ accept: 'application/vnd.kubernetes.protobuf' }).accept).toBe(
      'application/json',
    );
    expect(filterableRequestHeaders({}).accept).toBe('application/json');
  });

  it('recognises JSON responses', () => {
    expect(isJsonResponse('application/json; charset=utf-8')).toBe(true);
    expect(isJsonResponse('application/vnd.kubernetes.protobuf;stream=watch')).toBe(false);
  });
});
