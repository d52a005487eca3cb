import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { givenFencedProxy, type MeshProxy } from '../steps/proxy.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import {
  answerThroughProxy,
  type ProxyAnswer,
  requestThroughProxy,
} from '../support/proxy-request.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

/** As many watches as a controller with a few dozen informers over a few namespaces holds. */
const WATCHES = 300;

/** The bound on one short request: "answered at all", not a latency figure. */
const ANSWER_WITHIN_MS = 5_000;

const lock = 'starved-controller';

describe('A controller with hundreds of watches open still renews its lease (issue 9)', () => {
  const admin = adminKubeConfig();
  const token = inject('kas').admin.token;
  const scope = { 'e2e.ctrlmesh.io/starvation': randomBytes(3).toString('hex') };
  // Watches and short requests on separate client sockets, so that only the proxy could make one
  // wait for the other; each watch holds one socket (HTTP/1.1), as client-go's do.
  const watchAgent = new Agent({ keepAlive: true, maxSockets: WATCHES + 10 });
  const shortAgent = new Agent({ keepAlive: true, maxSockets: 4 });
  const watches: IncomingMessage[] = [];
  let workDir: string;
  let namespace: string;
  let proxy: MeshProxy;

  /** One request through the proxy with the controller's token, at most ANSWER_WITHIN_MS. */
  const ask = (method: string, urlPath: string, body?: unknown): Promise<ProxyAnswer> =>
    answerThroughProxy(proxy, urlPath, {
      token,
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      agent: shortAgent,
      timeoutMs: ANSWER_WITHIN_MS,
    });

  /** Opens one ConfigMap watch; resolves with its response once the headers are in. */
  const openWatch = async (): Promise<IncomingMessage> => {
    const res = await requestThroughProxy(
      proxy,
      `/api/v1/namespaces/${namespace}/configmaps?watch=true&allowWatchBookmarks=true`,
      { token, agent: watchAgent },
    );
    watches.push(res);
    // Events are not what this story checks; read them so no socket stalls on a full buffer.
    res.resume();
    res.on('error', () => undefined);
    return res;
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-starvation-'));
    namespace = await uniqueNamespace('starved', scope);
    await admin.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'settings' }, data: { mode: 'steady' } },
    });
    // Plain HTTP on loopback: node:http clients send the token over it, and 300 TLS handshakes
    // on the client side would only slow the story down.
    proxy = await givenFencedProxy(admin, {
      app: 'starved',
      namespace,
      fence: scope,
      leaderElectionName: lock,
      workDir,
    });
    const created = await ask(
      'POST',
      `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: lock },
        spec: { holderIdentity: 'starved-0', leaseDurationSeconds: 15 },
      },
    );
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    for (const watch of watches.splice(0)) watch.destroy();
    watchAgent.destroy();
    shortAgent.destroy();
    await proxy?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it(`opens ${WATCHES} ConfigMap watches through one proxy, each answered with its headers`, async () => {
    const opening = Array.from({ length: WATCHES }, () => openWatch());
    for (const outcome of opening) outcome.catch(() => undefined);
    await eventually(
      () => {
        if (watches.length < WATCHES)
          throw new Error(`${watches.length} of ${WATCHES} watches have their headers`);
      },
      { what: `all ${WATCHES} watches to get their response headers`, timeoutMs: 30_000 },
    );
    expect(watches.map((watch) => watch.statusCode)).toEqual(Array(WATCHES).fill(200));
  });

  it('answers a GET at once while the watches stay open', async () => {
    const answer = await ask('GET', `/api/v1/namespaces/${namespace}/configmaps/settings`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: 'ConfigMap', data: { mode: 'steady' } });
  });

  it("renews the controller's Lease at once while the watches stay open", async () => {
    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${lock}`;
    const read = await ask('GET', leasePath);
    expect(read.status).toBe(200);
    const renewTime = new Date().toISOString().replace(/\.\d+Z$/, '.000000Z');
    const lease = read.body as { spec: Record<string, unknown> };
    const renewed = await ask('PUT', leasePath, { ...lease, spec: { ...lease.spec, renewTime } });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ spec: { holderIdentity: 'starved-0', renewTime } });
    // Renewing did not cost a watch: every one is still open.
    expect(watches.filter((watch) => watch.destroyed || watch.complete)).toEqual([]);
  });
});
