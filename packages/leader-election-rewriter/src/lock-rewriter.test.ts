import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { createLockRewriter } from './lock-rewriter.js';
import { recordedBody } from './test-support/recorded-locks.js';

const LOCK = 'cafeextcontroller';
const SUFFIXED = 'cafeextcontroller---ctrlmeshtest';
const JSON_TYPE = 'application/json';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const CONFIGMAPS = `/api/v1/namespaces/${LOCK}/configmaps`;
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${LOCK}/leases`;
const rewriter = createLockRewriter({ lockName: LOCK, subset: 'ctrlmeshtest', namespace: LOCK });
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined): string => new TextDecoder().decode(body);

describe('bugs of the original', () => {
  it('keeps the namespace segment when the namespace has the lock name (issue #2)', () => {
    const result = rewriter.rewriteRequest({ method: 'GET', url: `${CONFIGMAPS}/${LOCK}` });
    expect(result.url).toBe(
      '/api/v1/namespaces/cafeextcontroller/configmaps/cafeextcontroller---ctrlmeshtest',
    );
  });

  it('never suffixes an already suffixed name a second time', () => {
    const request = { method: 'GET', url: `${LEASES}/${SUFFIXED}` };
    const result = rewriter.rewriteRequest(request);
    expect(result).toEqual({ rewritten: false, url: request.url, body: undefined });
    const configured = createLockRewriter({ lockName: SUFFIXED, subset: 'ctrlmeshtest' });
    expect(configured.subsetLockName).toBe(SUFFIXED);
    expect(configured.rewriteRequest(request).url).toBe(request.url);
  });

  it('passes the body of an unrelated create through untouched', () => {
    for (const [contentType, body] of [
      [JSON_TYPE, recordedBody('unrelatedConfigMap').json],
      [PROTOBUF, recordedBody('unrelatedConfigMap').protobuf],
    ] as const) {
      const result = rewriter.rewriteRequest({
        method: 'POST',
        url: CONFIGMAPS,
        contentType,
        body,
      });
      expect(result.rewritten).toBe(false);
      expect(result.body).toBe(body);
      expect(result.url).toBe(CONFIGMAPS);
    }
  });
});

describe('lock requests', () => {
  it('renames the lock in the body of a create, JSON and protobuf', () => {
    for (const format of ['json', 'protobuf'] as const) {
      const result = rewriter.rewriteRequest({
        method: 'POST',
        url: `${LEASES}?fieldManager=cafe`,
        contentType: format === 'json' ? JSON_TYPE : PROTOBUF,
        body: recordedBody('leaseCreateRequest')[format],
      });
      expect(result.rewritten).toBe(true);
      expect(result.url).toBe(`${LEASES}?fieldManager=cafe`);
      expect([...result.body!]).toEqual([...recordedBody('leaseSuffixed')[format]]);
    }
  });

  it('renames an update in the path and in the body', () => {
    const result = rewriter.rewriteRequest({
      method: 'PUT',
      url: `${CONFIGMAPS}/${LOCK}`,
      contentType: `${PROTOBUF}`,
      body: recordedBody('configMapCreateRequest').protobuf,
    });
    expect(result.url).toBe(`${CONFIGMAPS}/${SUFFIXED}`);
    expect([...result.body!]).toEqual([...recordedBody('configMapSuffixed').protobuf]);
  });

  it('renames the path of a patch and of a delete and leaves bodies without a name alone', () => {
    const patch = utf8('{"metadata":{"annotations":{"a":"b"}}}');
    const patched = rewriter.rewriteRequest({
      method: 'PATCH',
      url: `${LEASES}/${LOCK}`,
      contentType: 'application/merge-patch+json',
      body: patch,
    });
    expect(patched.url).toBe(`${LEASES}/${SUFFIXED}`);
    expect(patched.body).toBe(patch);
    const options = utf8('{"propagationPolicy":"Background"}');
    const deleted = rewriter.rewriteRequest({
      method: 'DELETE',
      url: `${LEASES}/${LOCK}`,
      contentType: JSON_TYPE,
      body: options,
    });
    expect(deleted).toMatchObject({ rewritten: true, url: `${LEASES}/${SUFFIXED}`, body: options });
  });

  it("renames client-go's watch of the lock by field selector, keeping the rest of the query", () => {
    const url = `${CONFIGMAPS}?allowWatchBookmarks=true&fieldSelector=metadata.name%3D${LOCK}&resourceVersion=1&timeoutSeconds=300&watch=true`;
    expect(rewriter.rewriteRequest({ method: 'GET', url }).url).toBe(
      `${CONFIGMAPS}?allowWatchBookmarks=true&fieldSelector=metadata.name%3D${SUFFIXED}&resourceVersion=1&timeoutSeconds=300&watch=true`,
    );
  });

  it('renames a legacy /watch/ path by name', () => {
    const url = `/api/v1/watch/namespaces/${LOCK}/endpoints/${LOCK}`;
    expect(rewriter.rewriteRequest({ method: 'GET', url }).url).toBe(
      `/api/v1/watch/namespaces/${LOCK}/endpoints/${SUFFIXED}`,
    );
  });

  it('uses the parse the proxy already made', () => {
    const url = `${CONFIGMAPS}/${LOCK}`;
    const result = rewriter.rewriteRequest({
      method: 'GET',
      url,
      apiRequest: { kind: 'nonResource', path: url, query: '' },
    });
    expect(result.rewritten).toBe(false);
  });
});

describe('requests that are not lock traffic', () => {
  it.each([
    ['GET', `${CONFIGMAPS}/other`],
    ['GET', `${CONFIGMAPS}/${LOCK}2`],
    ['GET', `/api/v1/namespaces/elsewhere/configmaps/${LOCK}`],
    ['GET', `/api/v1/namespaces/${LOCK}/secrets/${LOCK}`],
    ['GET', `/api/v1/namespaces/${LOCK}/pods/${LOCK}/log`],
    ['GET', `${CONFIGMAPS}?labelSelector=app%3D${LOCK}`],
    ['GET', `${CONFIGMAPS}?fieldSelector=metadata.name%21%3D${LOCK}`],
    ['GET', `/apis/apps/v1/namespaces/${LOCK}/deployments/${LOCK}`],
    ['GET', '/version'],
    ['GET', '/api/v1/namespaces/%zz/configmaps/x'],
  ])('%s %s passes through untouched', (method, url) => {
    const body = utf8(`{"metadata":{"name":"${LOCK}"}}`);
    const result = rewriter.rewriteRequest({ method, url, contentType: JSON_TYPE, body });
    expect(result).toEqual({ rewritten: false, url, body });
    expect(result.body).toBe(body);
  });

  it('leaves everything alone for the default subset', () => {
    const defaults = createLockRewriter({ lockName: LOCK, subset: DEFAULT_SUBSET });
    expect(defaults.subsetLockName).toBe(LOCK);
    const body = recordedBody('leaseCreateRequest').protobuf;
    const result = defaults.rewriteRequest({
      method: 'POST',
      url: LEASES,
      contentType: PROTOBUF,
      body,
    });
    expect(result.rewritten).toBe(false);
    expect(result.body).toBe(body);
  });

  it('leaves a body in a format it cannot read alone', () => {
    const body = utf8(`metadata:\n  name: ${LOCK}\n`);
    const result = rewriter.rewriteRequest({
      method: 'POST',
      url: CONFIGMAPS,
      contentType: 'application/yaml',
      body,
    });
    expect(result).toEqual({ rewritten: false, url: CONFIGMAPS, body });
  });

  it('refuses an empty lock name', () => {
    expect(() => createLockRewriter({ lockName: '', subset: 'a' })).toThrow(TypeError);
  });
});

describe('responses', () => {
  const created = rewriter.rewriteRequest({
    method: 'POST',
    url: LEASES,
    contentType: JSON_TYPE,
    body: recordedBody('leaseCreateRequest').json,
  });
  if (!created.rewritten) throw new Error('the create should have been rewritten');

  it('maps the created object back to the configured name, JSON and protobuf', () => {
    for (const [contentType, format] of [
      ['application/json;charset=utf-8', 'json'],
      [PROTOBUF, 'protobuf'],
    ] as const) {
      const mapped = created.response.mapBody(contentType, recordedBody('leaseSuffixed')[format]);
      expect([...mapped]).toEqual([...recordedBody('leaseCreateRequest')[format]]);
    }
  });

  it('maps a 404 naming the suffixed lock', () => {
    const mapped = created.response.mapBody(JSON_TYPE, recordedBody('statusNotFoundSuffixed').json);
    expect(JSON.parse(text(mapped))).toMatchObject({
      message: `leases.coordination.k8s.io "${LOCK}" not found`,
      details: { name: LOCK },
    });
  });

  it('maps watch events, JSON lines and protobuf frames', () => {
    const json = created.response.mapWatchEvent(
      'application/json;stream=watch',
      recordedBody('watchEventLeaseSuffixed').json,
    );
    expect(JSON.parse(text(json)).object.metadata.name).toBe(LOCK);
    const protobuf = recordedBody('watchEventLeaseSuffixed').protobuf;
    const frame = created.response.mapWatchEvent(`${PROTOBUF};stream=watch`, protobuf);
    expect(frame.length).toBe(protobuf.length - '---ctrlmeshtest'.length);
  });

  it('leaves bodies it cannot read alone', () => {
    const yaml = utf8(`metadata:\n  name: ${SUFFIXED}\n`);
    expect(created.response.mapBody('application/yaml', yaml)).toBe(yaml);
    expect(created.response.mapWatchEvent(undefined, yaml)).toBe(yaml);
  });
});
