import { describe, expect, it } from 'vitest';
import { isLongRunning } from './long-running.js';

describe('isLongRunning', () => {
  it.each([
    ['/api/v1/configmaps', 'watch=true', true],
    ['/api/v1/configmaps', 'watch=1&resourceVersion=5', true],
    ['/api/v1/watch/namespaces/a/configmaps', '', true],
    ['/apis/apps/v1/watch/deployments', '', true],
    ['/api/v1/namespaces/a/pods/p/exec', 'command=ls', true],
    ['/api/v1/namespaces/a/pods/p/portforward', '', true],
    ['/api/v1/namespaces/a/pods/p/log', 'follow=true', true],
    ['/api/v1/namespaces/a/pods/p/log', '', false],
    ['/api/v1/configmaps', 'watch=false', false],
    ['/api/v1/namespaces/watch/configmaps', '', false],
    // The apiserver decodes parameter names, so an encoded one counts.
    ['/api/v1/configmaps', 'w%61tch=true', true],
    ['/api/v1/namespaces/a/pods/p/log', 'f%6Fllow=true', true],
    ['/api/v1/configmaps', 'labelSelector=app%3Dwatch', false],
  ])('%s?%s -> %s', (path, query, expected) => {
    expect(isLongRunning({ path, query })).toBe(expected);
  });
});
