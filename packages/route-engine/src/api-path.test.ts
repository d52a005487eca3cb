import { describe, expect, it } from 'vitest';
import { formatApiPath, parseApiPath } from './api-path.js';

describe('parseApiPath', () => {
  it.each([
    ['GET', '/api/v1/pods', { verb: 'list', group: '', version: 'v1', resource: 'pods' }],
    [
      'GET',
      '/api/v1/namespaces/ns/pods/p/log?follow=true',
      {
        verb: 'get',
        resource: 'pods',
        namespace: 'ns',
        name: 'p',
        subresource: 'log',
        query: 'follow=true',
      },
    ],
    [
      'GET',
      '/apis/apps/v1/namespaces/ns/deployments?watch=1',
      { verb: 'watch', group: 'apps', resource: 'deployments', namespace: 'ns', query: 'watch=1' },
    ],
    ['GET', '/api/v1/pods?watch=true', { verb: 'watch' }],
    ['GET', '/api/v1/pods?watch=', { verb: 'watch' }],
    ['GET', '/api/v1/pods?watch=FALSE', { verb: 'list' }],
    ['GET', '/api/v1/pods?watch=0', { verb: 'list' }],
    ['GET', '/api/v1/pods?watch=true;x=1', { verb: 'list' }],
    ['GET', '/api/v1/pods?x=1&watch=yes&watch=0', { verb: 'watch' }],
    ['GET', '/api/v1/watch/namespaces/ns/pods/p', { verb: 'watch', namespace: 'ns', name: 'p' }],
    ['GET', '/api/v1/watch/pods', { verb: 'watch', resource: 'pods' }],
    ['HEAD', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1' }],
    ['POST', '/api/v1/namespaces/ns/pods', { verb: 'create', namespace: 'ns' }],
    ['POST', '/api/v1/namespaces/ns/pods/p/eviction', { verb: 'create', subresource: 'eviction' }],
    ['PUT', '/api/v1/namespaces/ns/pods/p', { verb: 'update', name: 'p' }],
    ['PATCH', '/api/v1/namespaces/ns/pods/p/status', { verb: 'patch', subresource: 'status' }],
    ['DELETE', '/api/v1/namespaces/ns/pods/p', { verb: 'delete' }],
    ['DELETE', '/api/v1/namespaces/ns/pods', { verb: 'deletecollection' }],
    ['OPTIONS', '/api/v1/namespaces/ns/pods/p', { verb: 'unknown' }],
    [
      'GET',
      '/api/v1/namespaces/ns',
      { verb: 'get', resource: 'namespaces', namespace: 'ns', name: 'ns' },
    ],
    [
      'PUT',
      '/api/v1/namespaces/ns/finalize',
      {
        verb: 'update',
        resource: 'namespaces',
        namespace: 'ns',
        name: 'ns',
        subresource: 'finalize',
      },
    ],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces' }],
    [
      'GET',
      '/api/v1/proxy/namespaces/ns/pods/p/a/b',
      { verb: 'proxy', resource: 'pods', name: 'p', extraPath: ['a', 'b'] },
    ],
    [
      'GET',
      '/api/v1/namespaces/ns/services/s/proxy/metrics/x',
      { verb: 'get', subresource: 'proxy', extraPath: ['metrics', 'x'] },
    ],
    ['GET', '/api/v1/namespaces/my%20ns/pods/', { namespace: 'my ns', verb: 'list' }],
    [
      'GET',
      '/apis/apps/v1/namespaces/a%2Fb/pods',
      { namespace: 'a', resource: 'b', name: 'pods', verb: 'get' },
    ],
  ])('%s %s', (method, url, expected) => {
    expect(parseApiPath(method, url)).toMatchObject({ kind: 'resource', ...expected });
  });

  it.each([
    '/api',
    '/apis',
    '/api/v1',
    '/apis/apps',
    '/apis/apps/v1',
    '/version',
    '/healthz',
    '/openapi/v3/apis/apps/v1',
    '/',
  ])('treats %s as a non-resource request', (path) => {
    expect(parseApiPath('GET', `${path}?timeout=32s`)).toEqual({
      kind: 'nonResource',
      path,
      query: 'timeout=32s',
    });
  });

  it.each([
    '/api/v1/namespaces//pods',
    '/api/v1/namespaces/../pods',
    '/api/v1/pods/%zz',
    'api/v1/pods',
    '/api/v1/watch',
  ])('refuses the ambiguous path %s', (url) => {
    expect(parseApiPath('GET', url).kind).toBe('invalid');
  });
});

describe('formatApiPath', () => {
  it.each([
    ['GET', '/api/v1/namespaces/ns'],
    ['PUT', '/api/v1/namespaces/ns/status'],
    ['GET', '/api/v1/watch/namespaces/ns/pods/p'],
    ['GET', '/apis/apps/v1/namespaces/ns/deployments?watch=true&labelSelector=a%3Db'],
    ['GET', '/api/v1/namespaces/my%20ns/pods/p/log?container=c'],
    ['GET', '/api/v1/proxy/nodes/n1/a/b'],
  ])('writes back %s %s', (method, url) => {
    const parsed = parseApiPath(method, url);
    expect(parsed.kind === 'resource' && formatApiPath(parsed)).toBe(url);
  });
});
