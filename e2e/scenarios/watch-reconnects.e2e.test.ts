import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { givenFencedProxy, type MeshProxy } from '../steps/proxy.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

const OBJECTS = 2_000;
const RECONNECTS = 200;

interface Reconnect {
  readonly status: number;
  readonly resourceVersion: string;
  readonly names: string[];
}

describe('A controller reconnecting its watches all day through the proxy', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const token = inject('kas').admin.token;
  const tenant = { 'e2e.ctrlmesh.io/tenant': `w-${randomBytes(3).toString('hex')}` };
  let workDir: string;
  let namespace: string;
  let proxy: MeshProxy;

  const get = (query: string, signal?: AbortSignal) =>
    fetch(`${proxy.origin}/api/v1/namespaces/${namespace}/configmaps?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      ...(signal === undefined ? {} : { signal }),
    });

  // A watch from `resourceVersion`, closed by the client once it has the event it waits for, as a
  // client does when it stops a watch; the next one starts at once from what it read.
  const watchUntil = async (resourceVersion: string, name: string): Promise<Reconnect> => {
    const closing = new AbortController();
    const response = await get(`watch=true&resourceVersion=${resourceVersion}`, closing.signal);
    if (response.status !== 200) return { status: response.status, resourceVersion, names: [] };
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let last = resourceVersion;
    const names: string[] = [];
    while (!names.includes(name)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as {
          object: { metadata: { name?: string; resourceVersion: string } };
        };
        last = event.object.metadata.resourceVersion;
        if (event.object.metadata.name !== undefined) names.push(event.object.metadata.name);
      }
    }
    closing.abort();
    return { status: 200, resourceVersion: last, names };
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-reconnects-'));
    namespace = await uniqueNamespace('reconnects', tenant);
    const names = Array.from({ length: OBJECTS }, (_, i) => `cm-${i}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names
          .slice(i, i + 25)
          .map((name) =>
            core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } }),
          ),
      );
    }
    // A plain fetch sends the admin token over plain HTTP; client-go would need TLS.
    proxy = await givenFencedProxy(admin, { app: 'reconnects', namespace, fence: tenant, workDir });
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('resumes every watch from its last resourceVersion, 200 times in a row, without a 410 (issue 9)', async () => {
    let resourceVersion = '';
    let held = 0;
    let next = '';
    do {
      const page = (await (await get(`limit=500${next}`)).json()) as {
        metadata: { resourceVersion: string; continue?: string };
        items: unknown[];
      };
      held += page.items.length;
      resourceVersion = page.metadata.resourceVersion;
      next = page.metadata.continue
        ? `&continue=${encodeURIComponent(page.metadata.continue)}`
        : '';
    } while (next !== '');
    expect(held).toBe(OBJECTS);
    const statuses: number[] = [];
    for (let cycle = 0; cycle < RECONNECTS; cycle++) {
      const name = `added-${cycle}`;
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
      const reconnect = await watchUntil(resourceVersion, name);
      statuses.push(reconnect.status);
      if (reconnect.status !== 200) break;
      expect(reconnect.names).toContain(name);
      resourceVersion = reconnect.resourceVersion;
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(statuses).toHaveLength(RECONNECTS);
  }, 180_000);
});
