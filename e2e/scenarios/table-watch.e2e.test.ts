import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp, namespaceType } from '../steps/canary-virtual-app.js';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { uniqueNamespace } from '../support/unique-namespace.js';

// What `kubectl get -w` asks for (with the v1beta1 Table and plain JSON after it).
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';

interface TableEvent {
  type: string;
  object: {
    kind?: string;
    apiVersion?: string;
    metadata?: { resourceVersion?: string };
    columnDefinitions?: unknown[] | null;
    rows?: {
      object?: { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    }[];
  };
}

/** An open watch and what it has received so far. */
interface OpenWatch {
  readonly status: number;
  readonly contentType: string;
  readonly events: TableEvent[];
  /** The whole body, when the answer was not a watch stream (a metav1.Status). */
  body(): Promise<string>;
  close(): void;
}

/** Opens a watch with `accept` (over TLS when `ca` is given) and collects its JSON events. */
const openWatch = (url: string, accept: string, token: string, ca?: Buffer): Promise<OpenWatch> =>
  new Promise((resolve, reject) => {
    const events: TableEvent[] = [];
    const request = (ca ? https : http).request(
      url,
      { headers: { accept, authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) },
      (response) => {
        let text = '';
        const ended = new Promise<string>((done) => {
          response.on('end', () => done(text));
          response.on('close', () => done(text));
        });
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (response.statusCode !== 200) return;
          for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
            events.push(JSON.parse(text.slice(0, nl)) as TableEvent);
            text = text.slice(nl + 1);
          }
        });
        response.on('error', () => undefined);
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          events,
          body: () => ended,
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
    request.end();
  });

/** `namespace/name` of the objects a Table watch delivered, one per event. */
const rowKeys = (events: readonly TableEvent[]): string[] =>
  events.flatMap((event) =>
    (event.object.rows ?? []).map(
      (row) => `${row.object?.metadata?.namespace}/${row.object?.metadata?.name}`,
    ),
  );

describe('Table watches (kubectl get -w) through the proxies of a canary', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const token = inject('kas').admin.token;
  const scenario = { 'e2e.ctrlmesh.io/scenario': `table-${randomBytes(3).toString('hex')}` };
  let workDir: string;
  let kasCa: Buffer;
  let stable: MeshProxy;
  let canary: MeshProxy;
  // Namespaces of the default subset, of subset v2 (named canary-*), and one nobody may see.
  let plainNs: string;
  let canaryNs: string;
  let systemNs: string;
  const open: OpenWatch[] = [];

  const watchThrough = async (origin: string, query: string, accept = TABLE, ca?: Buffer) => {
    const watch = await openWatch(
      `${origin}/api/v1/configmaps?watch=true&${query}`,
      accept,
      token,
      ca,
    );
    open.push(watch);
    return watch;
  };

  const configMap = (namespace: string, name: string) =>
    core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name, labels: scenario }, data: { k: 'v' } },
    });

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-table-watch-'));
    kasCa = await readFile(inject('kas').caFile);
    const home = await uniqueNamespace('mesh-home', scenario);
    plainNs = await uniqueNamespace('team', scenario);
    canaryNs = await uniqueNamespace('canary', scenario);
    systemNs = await uniqueNamespace('sys', { ...scenario, [namespaceType]: 'system' });
    const vappFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(
      vappFile,
      canaryVirtualApp({ name: 'table-sample', namespace: home, lock: 'table', scope: scenario }),
    );
    const tokenFile = await givenProxyIdentity(admin, workDir);
    const pod = (podName: string, version: string) =>
      givenProxy({
        podName,
        podNamespace: home,
        podLabels: { app: 'go-sample', version },
        virtualAppFile: vappFile,
        tokenFile,
        workDir,
        tls: 'plain-http',
      });
    [stable, canary] = await Promise.all([pod('table-v1-0', 'v1'), pod('table-v2-0', 'v2')]);
  });

  afterEach(() => {
    for (const watch of open.splice(0)) watch.close();
  });

  afterAll(async () => {
    await Promise.all([stable, canary].map((proxy) => proxy?.stop()));
    if (process.env.CTRLMESH_E2E_KEEP === '1') console.log(`e2e: kept ${workDir}`);
    else if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('the apiserver sends each Table watch event as a one-row Table naming its object', async () => {
    const { metadata } = await core.listNamespacedConfigMap({ namespace: plainNs });
    const from = `resourceVersion=${metadata?.resourceVersion}&fieldSelector=metadata.namespace%3D${plainNs}`;
    const url = inject('kas').url;
    const byInclude = {
      Metadata: await watchThrough(url, `${from}&includeObject=Metadata`, TABLE, kasCa),
      Object: await watchThrough(url, `${from}&includeObject=Object`, TABLE, kasCa),
      None: await watchThrough(url, `${from}&includeObject=None`, TABLE, kasCa),
    };
    await configMap(plainNs, 'facts');
    for (const [include, watch] of Object.entries(byInclude)) {
      await eventually(() => expect(watch.events).toHaveLength(1), {
        what: `the apiserver's Table event (includeObject=${include})`,
      });
      const [event] = watch.events;
      expect(event?.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(event?.object.rows).toHaveLength(1);
    }
    expect(byInclude.Metadata.events[0]?.object.rows?.[0]?.object?.kind).toBe(
      'PartialObjectMetadata',
    );
    expect(byInclude.Object.events[0]?.object.rows?.[0]?.object?.kind).toBe('ConfigMap');
    expect(byInclude.None.events[0]?.object.rows?.[0]?.object).toBeNull();
  });

  it.each(['Metadata', 'Object'])(
    "each pod's Table watch (includeObject=%s) delivers exactly its own objects, issue 9",
    async (include) => {
      const tag = include.toLowerCase();
      const watches = {
        stable: await watchThrough(stable.origin, `includeObject=${include}`),
        canary: await watchThrough(canary.origin, `includeObject=${include}`),
      };
      expect([watches.stable.status, watches.canary.status]).toEqual([200, 200]);
      // In resourceVersion order, so each pod's last object comes after every other event.
      await configMap(systemNs, `${tag}-system`);
      await configMap(canaryNs, `${tag}-canary`);
      await configMap(plainNs, `${tag}-plain`);
      await configMap(canaryNs, `${tag}-canary-last`);
      await configMap(plainNs, `${tag}-plain-last`);
      const expected = {
        stable: [`${plainNs}/${tag}-plain`, `${plainNs}/${tag}-plain-last`],
        canary: [`${canaryNs}/${tag}-canary`, `${canaryNs}/${tag}-canary-last`],
      };
      for (const pod of ['stable', 'canary'] as const) {
        const watch = watches[pod];
        const last = expected[pod][1];
        await eventually(() => expect(rowKeys(watch.events)).toContain(last), {
          what: `the ${pod} pod's Table watch to deliver ${last}`,
        });
        // Only this test's objects: earlier tests' objects come as initial ADDED events.
        const mine = rowKeys(watch.events).filter((key) => key.includes(`/${tag}-`));
        expect(mine).toEqual(expected[pod]);
        expect(rowKeys(watch.events).every((key) => !key.startsWith(`${systemNs}/`))).toBe(true);
        for (const event of watch.events) {
          expect(event.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
        }
        // The columns come with the first event this client gets, whoever's the apiserver's first was.
        expect(watch.events[0]?.object.columnDefinitions?.length).toBeGreaterThan(0);
      }
    },
  );

  it('refuses Table lists and watches without row objects (includeObject=None) with 400, issue 9', async () => {
    for (const proxy of [stable, canary]) {
      const watch = await watchThrough(proxy.origin, 'includeObject=None');
      expect(watch.status).toBe(400);
      expect(JSON.parse(await watch.body())).toMatchObject({
        kind: 'Status',
        code: 400,
        reason: 'BadRequest',
      });
      const list = await openWatch(
        `${proxy.origin}/api/v1/configmaps?includeObject=None`,
        TABLE,
        token,
      );
      open.push(list);
      expect(list.status).toBe(400);
      expect(await list.body()).toContain('includeObject=None');
    }
  });

  it('passes on the refusal of a protobuf Table watch: the apiserver serves Tables as JSON only', async () => {
    const protobufTable = 'application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1';
    const direct = await watchThrough(
      inject('kas').url,
      'includeObject=Metadata',
      protobufTable,
      kasCa,
    );
    const through = await watchThrough(stable.origin, 'includeObject=Metadata', protobufTable);
    expect(direct.status).toBe(406);
    expect(through.status).toBe(406);
    expect(JSON.parse(await through.body())).toMatchObject({ kind: 'Status', code: 406 });
  });
});
