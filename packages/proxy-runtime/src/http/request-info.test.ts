import { describe, expect, it } from 'vitest';
import { readRequestInfo } from './request-info.js';

const longRunning = (method: string, path: string, query: string) =>
  readRequestInfo(method, path, query).longRunning;

describe('readRequestInfo', () => {
  it.each([
    ['/api/v1/configmaps', 'watch=true', true],
    ['/api/v1/configmaps', 'watch=1&resourceVersion=5', true],
    ['/api/v1/watch/namespaces/a/configmaps', '', true],
    ['/apis/apps/v1/watch/deployments', '', true],
    ['/api/v1/namespaces/a/pods/p/portforward', '', true],
    ['/api/v1/namespaces/a/pods/p/proxy/metrics', '', true],
    ['/api/v1/proxy/namespaces/a/pods/p', '', true],
    ['/api/v1/namespaces/a/pods/p/log', 'follow=true', true],
    ['/api/v1/namespaces/a/pods/p/log', '', false],
    ['/api/v1/configmaps', 'watch=false', false],
    ['/api/v1/configmaps', 'watch=FALSE', false],
    ['/api/v1/configmaps', 'watch=0', false],
    ['/api/v1/namespaces/watch/configmaps', '', false],
    ['/api/v1/configmaps', 'labelSelector=app%3Dwatch', false],
    // The apiserver decodes parameter names, so an encoded one counts.
    ['/api/v1/configmaps', 'w%61tch=true', true],
    ['/api/v1/namespaces/a/pods/p/log', 'f%6Fllow=true', true],
    // Any value but `0` and `false` is true for the apiserver, the empty one included (issue 13).
    ['/api/v1/configmaps', 'watch=True', true],
    ['/api/v1/configmaps', 'watch=', true],
    ['/api/v1/configmaps', 'watch', true],
    ['/api/v1/namespaces/a/pods/p/log', 'follow=True', true],
    ['/api/v1/namespaces/a/pods/p/log', 'follow=false', false],
    // A named GET with `watch` is a get for the apiserver, which answers it at once.
    ['/api/v1/namespaces/a/configmaps/x', 'watch=true', false],
    ['/version', 'watch=true', false],
  ])('GET %s?%s is long-running: %s', (path, query, expected) => {
    expect(longRunning('GET', path, query)).toBe(expected);
  });

  it('reads exec and attach as long-running, and a write to a collection with watch=true not', () => {
    expect(longRunning('POST', '/api/v1/namespaces/a/pods/p/exec', 'command=ls')).toBe(true);
    expect(longRunning('POST', '/api/v1/namespaces/a/pods/p/attach', '')).toBe(true);
    expect(longRunning('POST', '/api/v1/namespaces/a/configmaps', 'watch=true')).toBe(false);
  });

  it('classifies the path and reads the list options as the apiserver does (issue 13)', () => {
    const info = readRequestInfo(
      'GET',
      '/api/v1/namespaces/a/configmaps',
      'watch=True&sendInitialEvents=True&allowWatchBookmarks=True&resourceVersion=5',
    );
    expect(info.api).toMatchObject({ kind: 'resource', verb: 'watch', namespace: 'a' });
    expect(info.listOptions).toMatchObject({
      watch: true,
      sendInitialEvents: true,
      allowWatchBookmarks: true,
      resourceVersion: '5',
    });
  });
});
