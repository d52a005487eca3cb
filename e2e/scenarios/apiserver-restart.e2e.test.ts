import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenVirtualApp } from '../steps/proxy.js';
import {
  eventuallyReconciledBy,
  uniqueWatchValue,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { adminKubeConfigOf } from '../support/kas-kube-configs.js';
import { type RunningKas, startKas, tokenUsers } from '../support/kas-process.js';
import { grantProxyIdentity, type MeshProxy, startMeshProxy } from '../support/mesh-proxy.js';
import { answerThroughProxy, requestThroughProxy } from '../support/proxy-request.js';
import { createRunNamespace } from '../support/run-namespace.js';
import { type SampleController, startSampleController } from '../support/sample-controller.js';

/** Opens a watch through the proxy; resolves with all it sends until it ends, once it has its headers. */
const watchThroughProxy = async (
  proxy: MeshProxy,
  token: string,
  urlPath: string,
): Promise<{ status: number; ended: Promise<string> }> => {
  const res = await requestThroughProxy(proxy, urlPath, { token });
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
  });
  const ended = new Promise<string>((done) => {
    res.on('end', () => done(text));
    res.on('close', () => done(text));
  });
  return { status: res.statusCode ?? 0, ended };
};

// Its own kas (not the run's): this story kills it.
describe('The mesh survives the kube-apiserver going away (Go sample behind one proxy)', () => {
  const watchValue = uniqueWatchValue('kas-restart');
  let dir: string;
  let kas: RunningKas;
  let proxy: MeshProxy;
  let controller: SampleController;
  let namespace: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-kas-restart-'));
    await mkdir(path.join(dir, 'kas'));
    kas = await startKas({
      dir: path.join(dir, 'kas'),
      users: tokenUsers,
      readyTimeoutMs: 120_000,
    });
    const admin = adminKubeConfigOf(kas.info);
    const runNamespaces = { admin, runId: inject('runId') };
    const home = await createRunNamespace(runNamespaces, 'mesh-home');
    namespace = await createRunNamespace(runNamespaces, 'team');
    const vappFile = path.join(dir, 'virtualapp.yaml');
    await givenVirtualApp(
      vappFile,
      canaryVirtualApp({ name: 'restart-sample', namespace: home, lock: 'restart-sample' }),
    );
    proxy = await startMeshProxy(kas.info, {
      podName: 'restart-v1-0',
      podNamespace: home,
      podLabels: { app: 'go-sample', version: 'v1' },
      virtualAppFile: vappFile,
      tokenFile: await grantProxyIdentity(admin, kas.info, dir),
      workDir: dir,
    });
    controller = startSampleController({
      kind: 'go',
      podName: 'restart-v1-0',
      podNamespace: home,
      kubeconfig: proxy.kubeconfig,
      logDir: dir,
      version: 'v1',
      env: { WATCH_VALUE: watchValue },
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await proxy?.stop();
    await kas?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${dir}`);
    else if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the controller reconciles through the proxy', async () => {
    const core = adminKubeConfigOf(kas.info).makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'before', labels: watchLabel(watchValue) } },
    });
    await eventuallyReconciledBy(core, namespace, 'before', 'restart-v1-0@v1', 60_000);
  });

  it('with kas killed, the proxy stays up and answers 503 ServiceUnavailable at once', async () => {
    const token = kas.info.admin.token;
    const watch = await watchThroughProxy(
      proxy,
      token,
      `/api/v1/namespaces/${namespace}/configmaps?watch=true`,
    );
    expect(watch.status).toBe(200);
    process.kill(kas.info.pid, 'SIGKILL');
    await kas.stop();
    const started = Date.now();
    const answer = await answerThroughProxy(
      proxy,
      `/api/v1/namespaces/${namespace}/configmaps/before`,
      { token },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'ServiceUnavailable',
      code: 503,
      message: expect.stringContaining('the kube-apiserver is unavailable through ctrlmesh-proxy'),
    });
    // A namespace the proxy has not seen needs its labels read first: that is a 503 too (issue 9).
    const unseen = await answerThroughProxy(
      proxy,
      '/api/v1/namespaces/never-seen-by-the-proxy/configmaps/before',
      { token },
    );
    expect(unseen.status).toBe(503);
    expect(unseen.body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    // The watch that was open ends with a 503 Status event rather than a 500 (issue 9).
    const lines = (await watch.ended).trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1] ?? '{}')).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', reason: 'ServiceUnavailable', code: 503 },
    });
    // Routes are still known: the proxy does not turn unready because its upstream is away.
    expect(proxy.running()).toBe(true);
    expect(await proxy.readyz()).toBe(200);
    expect(controller.running()).toBe(true);
  });

  it('kas started again on the same data dir and port still holds the objects', async () => {
    // Same dir and port: kas keeps its CA, certificates and tokens, as a real apiserver does.
    kas = await startKas({
      dir: path.join(dir, 'kas'),
      users: tokenUsers,
      readyTimeoutMs: 120_000,
      port: Number(new URL(kas.info.url).port),
    });
    const core = adminKubeConfigOf(kas.info).makeApiClient(CoreV1Api);
    const before = await core.readNamespacedConfigMap({ name: 'before', namespace });
    expect(before.metadata?.annotations?.['e2e.ctrlmesh.io/reconciled-by']).toBe('restart-v1-0@v1');
  });

  it('the controller reconciles a new ConfigMap through the same proxy again', async () => {
    const core = adminKubeConfigOf(kas.info).makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'after', labels: watchLabel(watchValue) } },
    });
    await eventuallyReconciledBy(core, namespace, 'after', 'restart-v1-0@v1', 120_000);
  });
});
