import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminKubeConfigOf } from '../support/kas-kube-configs.js';
import { type RunningKas, startKas, tokenUsers } from '../support/kas-process.js';
import {
  grantProxyIdentity,
  type MeshProxy,
  type MeshProxyOptions,
  startMeshProxy,
} from '../support/mesh-proxy.js';
import { mustSendJson, openSide, type Side } from './side.js';

/** The environment apps/proxy's README asks deployments to give the proxy (its "Memory" section). */
export const PROXY_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * Label on every namespace the benchmark makes; its value says which half it is in. The routes
 * (bench-virtualapp.json, also used by bench:pipeline) give the `measured` half to subset `measured`.
 */
export const halfLabel = 'bench.ctrlmesh.io/half';
const virtualAppFile = path.join(import.meta.dirname, 'bench-virtualapp.json');

/** The namespaces and objects the benchmark works on. */
export interface Dataset {
  /** Namespaces the measured subset owns (labelled `half=measured`). */
  readonly measured: readonly string[];
  /** Namespaces the default subset owns, outside the measured slice. */
  readonly other: readonly string[];
  /** ConfigMap names, the same in every namespace. */
  readonly names: readonly string[];
}

/** One kas, one proxy in front of it, and a client side for each. */
export interface BenchEnvironment {
  readonly kas: RunningKas;
  readonly proxy: MeshProxy;
  readonly direct: Side;
  readonly through: Side;
  readonly dataset: Dataset;
  /**
   * Starts one more proxy for a pod of subset `measured` with the given listener, and a side for it;
   * `stop` ends both.
   */
  openProxySide(
    name: Side['name'],
    podName: string,
    tls: MeshProxyOptions['tls'],
    /** More proxy flags, e.g. `--upstream-http2`. */
    extraArgs?: string[],
  ): Promise<{ proxy: MeshProxy; side: Side }>;
  stop(): Promise<void>;
}

/** Sizes of the data set and of the client pools. */
export interface EnvironmentOptions {
  namespaces: number;
  configMapsPerNamespace: number;
  /** Bytes of random payload per ConfigMap (hex doubles it into the JSON). */
  payloadBytes: number;
  /** Connections per side (one per concurrent client). */
  connections: number;
  proxyNodeArgs?: string[];
}

/** Runs `work` on `items` with at most `concurrency` in flight. */
export const forEachLimited = async <T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

const seed = async (admin: Side, options: EnvironmentOptions): Promise<Dataset> => {
  const half = Math.ceil(options.namespaces / 2);
  const pad = (i: number) => String(i).padStart(2, '0');
  const measured = Array.from({ length: half }, (_, i) => `bench-in-${pad(i)}`);
  const other = Array.from({ length: options.namespaces - half }, (_, i) => `bench-out-${pad(i)}`);
  const names = Array.from(
    { length: options.configMapsPerNamespace },
    (_, i) => `cm-${String(i).padStart(4, '0')}`,
  );
  for (const [list, value] of [
    [measured, 'measured'],
    [other, 'other'],
  ] as const) {
    for (const name of list) {
      await mustSendJson(admin, 'POST', '/api/v1/namespaces', {
        metadata: { name, labels: { [halfLabel]: value } },
      });
    }
  }
  const creates = [...measured, ...other].flatMap((namespace) =>
    names.map((name) => ({ namespace, name })),
  );
  await forEachLimited(creates, options.connections, async ({ namespace, name }) => {
    await mustSendJson(admin, 'POST', `/api/v1/namespaces/${namespace}/configmaps`, {
      metadata: { name, labels: { 'bench.ctrlmesh.io/set': 'list' } },
      data: { payload: randomBytes(options.payloadBytes).toString('hex') },
    });
  });
  return { measured, other, names };
};

/**
 * Starts one kas with the e2e harness, seeds the data set, and starts the proxy for a pod of
 * subset `measured`, which owns the namespaces labelled `half=measured`; everything else belongs to
 * the default subset. `stop` ends the proxy, then kas, and removes the work directory.
 */
export async function startBenchEnvironment(
  options: EnvironmentOptions,
  log: (line: string) => void,
): Promise<BenchEnvironment> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-bench-'));
  const started = Date.now();
  const kas = await startKas({ dir: workDir, users: tokenUsers, readyTimeoutMs: 120_000 });
  log(`kas ${kas.info.version} ready at ${kas.info.url} in ${Date.now() - started} ms`);
  const caPem = await readFile(kas.info.caFile, 'utf8');
  const direct = openSide('direct', kas.info.url, caPem, kas.info.admin.token, options.connections);
  const opened: { proxy: MeshProxy; side?: Side }[] = [];
  const stop = async () => {
    await direct.pool.close();
    for (const { proxy, side } of opened) {
      await side?.pool.close();
      await proxy.stop();
    }
    await kas.stop();
    if (process.env.CTRLMESH_BENCH_KEEP === '1') log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  };
  try {
    // The proxy's own identity reads namespace labels only, as in the e2e scenarios.
    const tokenFile = await grantProxyIdentity(adminKubeConfigOf(kas.info), kas.info, workDir);
    const seeding = Date.now();
    const dataset = await seed(direct, options);
    log(
      `seeded ${dataset.measured.length + dataset.other.length} namespaces x ${dataset.names.length} ConfigMaps in ${Date.now() - seeding} ms`,
    );
    await mustSendJson(direct, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench-home' } });
    const openProxySide: BenchEnvironment['openProxySide'] = async (
      name,
      podName,
      tls,
      extraArgs = [],
    ) => {
      const entry: (typeof opened)[number] = {
        proxy: await startMeshProxy(kas.info, {
          podName,
          podNamespace: 'bench-home',
          podLabels: { app: 'bench', role: 'measured' },
          virtualAppFile,
          tokenFile,
          workDir,
          tls,
          nodeArgs: options.proxyNodeArgs ?? [],
          env: PROXY_ENV,
          logLevel: 'warn',
          readyTimeoutMs: 30_000,
          extraArgs,
        }),
      };
      opened.push(entry);
      const { caFile, origin } = entry.proxy;
      const proxyCaPem = caFile === undefined ? undefined : await readFile(caFile, 'utf8');
      entry.side = openSide(name, origin, proxyCaPem, kas.info.admin.token, options.connections);
      return { proxy: entry.proxy, side: entry.side };
    };
    const { proxy, side: through } = await openProxySide('proxy', 'bench-0', 'given');
    return { kas, proxy, direct, through, dataset, openProxySide, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
