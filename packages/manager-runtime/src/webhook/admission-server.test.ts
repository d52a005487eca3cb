import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueServingCertificate,
  type KeyPair,
} from '../certificates/certificate-authority.js';
import { silentLogger } from '../observe/log.js';
import type { AdmissionHandlers } from './admission-handlers.js';
import {
  type AdmissionServer,
  createAdmissionServer,
  type ReviewOutcome,
} from './admission-server.js';

const now = Date.now();
const ca = createCertificateAuthority(now, 3_600_000);
const serving = issueServingCertificate(ca, ['127.0.0.1'], now, 3_600_000);

/** The parts of replies the tests read. */
interface Body {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  response: { allowed: boolean; patch: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Reply {
  status: number;
  body: Body;
  fingerprint?: string;
}

const post = (
  port: number,
  path: string,
  body: string | Buffer,
  options: { method?: string; trusted?: string } = {},
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'POST',
        ca: options.trusted ?? ca.certPem,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
            fingerprint: (res.socket as TLSSocket).getPeerCertificate().fingerprint256,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const review = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'apps',
      name: 'web-0',
      operation: 'CREATE',
      object: { metadata: { name: 'web-0' } },
      ...overrides,
    },
  });

let server: AdmissionServer | undefined;
const outcomes: [string, ReviewOutcome][] = [];

const serve = async (handlers: AdmissionHandlers, maxBodyBytes?: number) => {
  server = createAdmissionServer({
    handlers,
    log: silentLogger,
    maxBodyBytes,
    onReviewed: (path, outcome) => outcomes.push([path, outcome]),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return port;
};

afterEach(async () => {
  await server?.close(100);
  server = undefined;
  outcomes.length = 0;
});

describe('createAdmissionServer', () => {
  it('answers each path with its handler, echoing the uid, with a patch as base64 JSONPatch', async () => {
    const port = await serve({
      '/inject-pod': (req) => ({
        allowed: true,
        patch: [{ op: 'add', path: '/metadata/labels', value: { seen: req.name } }],
      }),
      '/validate-virtualapp': () => ({
        allowed: false,
        status: { code: 422, reason: 'Invalid', message: 'spec.selector: required' },
      }),
    });
    server!.setCertificate(serving);
    const injected = await post(port, '/inject-pod', review());
    expect(injected.status).toBe(200);
    expect(injected.body).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true, patchType: 'JSONPatch' },
    });
    expect(JSON.parse(Buffer.from(injected.body.response.patch, 'base64').toString())).toEqual([
      { op: 'add', path: '/metadata/labels', value: { seen: 'web-0' } },
    ]);
    const denied = await post(port, '/validate-virtualapp', review({ uid: 'uid-2' }));
    expect(denied.body.response).toEqual({
      uid: 'uid-2',
      allowed: false,
      status: {
        metadata: {},
        status: 'Failure',
        code: 422,
        reason: 'Invalid',
        message: 'spec.selector: required',
      },
    });
    expect(outcomes).toEqual([
      ['/inject-pod', 'allowed'],
      ['/validate-virtualapp', 'denied'],
    ]);
  });

  it('refuses what is not a v1 AdmissionReview with a Status that says why, and keeps serving', async () => {
    const port = await serve({ '/validate-virtualapp': () => ({ allowed: true }) });
    server!.setCertificate(serving);
    const notJson = await post(port, '/validate-virtualapp', '{"apiVersion":');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
    expect(notJson.body.message).toMatch(/^malformed AdmissionReview: body is not JSON/);
    const v1beta1 = await post(
      port,
      '/validate-virtualapp',
      review().replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'),
    );
    expect(v1beta1.body.message).toBe(
      'malformed AdmissionReview: expected an admission.k8s.io/v1 AdmissionReview, got "admission.k8s.io/v1beta1" "AdmissionReview"',
    );
    const noUid = await post(port, '/validate-virtualapp', review({ uid: '' }));
    expect(noUid.body.message).toBe('malformed AdmissionReview: request.uid is missing');
    const badOperation = await post(port, '/validate-virtualapp', review({ operation: 'EAT' }));
    expect(badOperation.body.message).toBe(
      'malformed AdmissionReview: request.operation "EAT" is unknown',
    );
    expect((await post(port, '/validate-virtualapp', review())).body.response.allowed).toBe(true);
  });

  it('refuses a body over the bound with 413 without reading it all', async () => {
    const port = await serve({ '/validate-virtualapp': () => ({ allowed: true }) }, 1024);
    server!.setCertificate(serving);
    const big = review({ object: { data: 'x'.repeat(4096) } });
    const reply = await post(port, '/validate-virtualapp', big);
    expect(reply.status).toBe(413);
    expect(reply.body.reason).toBe('RequestEntityTooLarge');
  });

  it('answers unknown paths with 404, other methods with 405, and a failing handler with 500', async () => {
    const port = await serve({
      '/validate-virtualapp': () => {
        throw new Error('cache not ready');
      },
    });
    server!.setCertificate(serving);
    expect((await post(port, '/mutate-everything', review())).status).toBe(404);
    expect((await post(port, '/toString', review())).status).toBe(404);
    expect((await post(port, '/validate-virtualapp', '', { method: 'GET' })).status).toBe(405);
    const failed = await post(port, '/validate-virtualapp', review());
    expect(failed.status).toBe(500);
    expect(failed.body.message).toBe('admission handler failed: cache not ready');
    expect(outcomes).toEqual([['/validate-virtualapp', 'error']]);
  });

  it('fails handshakes until it has a certificate, then serves the one set last without a restart', async () => {
    const port = await serve({ '/validate-virtualapp': () => ({ allowed: true }) });
    expect(server!.hasCertificate()).toBe(false);
    await expect(post(port, '/validate-virtualapp', review())).rejects.toThrow();

    server!.setCertificate(serving);
    const first = await post(port, '/validate-virtualapp', review());
    const nextCa: KeyPair = createCertificateAuthority(now, 3_600_000);
    const next = issueServingCertificate(nextCa, ['127.0.0.1'], now, 3_600_000);
    server!.setCertificate(next);
    await expect(post(port, '/validate-virtualapp', review())).rejects.toThrow();
    const second = await post(port, '/validate-virtualapp', review(), { trusted: nextCa.certPem });
    expect(second.body.response.allowed).toBe(true);
    expect(second.fingerprint).not.toBe(first.fingerprint);
  });

  it('lets a review in flight finish when it closes', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const port = await serve({
      '/validate-virtualapp': () =>
        new Promise((resolve) => {
          release = () => resolve({ allowed: true });
          started();
        }),
    });
    server!.setCertificate(serving);
    const pending = post(port, '/validate-virtualapp', review());
    await inHandler;
    const closing = server!.close(5_000);
    release();
    expect((await pending).body.response.allowed).toBe(true);
    await closing;
    expect(server!.address()).toBeUndefined();
  });
});
