import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startKas, tokenUsers } from './kas-process.js';
import type { KasReadyFile } from './ready-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's kube-apiserver: URL, CA, users and their kubeconfigs. */
    kas: KasReadyFile;
    /** Labels every namespace this run creates (`e2e.ctrlmesh.io/run-id`). */
    runId: string;
  }
}

/** Upstream saw 30+ s to ready on contended CI runners; a cold start here is a few seconds. */
const readyTimeoutMs = 120_000;

/**
 * Starts one kas (etcd + kube-apiserver) for the whole e2e run and provides its ready file to
 * tests; the returned teardown stops it and removes its directory. CTRLMESH_E2E_KEEP=1 keeps the
 * directory (log, audit log, kubeconfigs) for a look afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = await mkdtemp(path.join(tmpdir(), `ctrlmesh-e2e-${runId}-`));
  const started = Date.now();
  const kas = await startKas({ dir, users: tokenUsers, readyTimeoutMs });
  console.log(
    `e2e: kube-apiserver ${kas.info.version} ready at ${kas.info.url} in ${Date.now() - started} ms (run ${runId}, dir ${dir})`,
  );
  project.provide('kas', kas.info);
  project.provide('runId', runId);

  return async () => {
    const { exitCode, signal } = await kas.stop();
    if (exitCode !== 0) {
      console.warn(`e2e: kas exited with ${exitCode ?? signal}; log kept in ${kas.logFile}`);
      return;
    }
    if (process.env.CTRLMESH_E2E_KEEP === '1') {
      console.log(`e2e: kept ${dir}`);
      return;
    }
    await rm(dir, { recursive: true, force: true });
  };
}
