import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type RunningKas, startKas, tokenUsers } from '../support/kas-process.js';
import type { Teardown } from './teardown.js';

/**
 * Starts kas in `<workDir>/kas` and registers its stop. kas picks its etcd and apiserver ports
 * itself, and on a busy machine another process may take one in between ("address already in
 * use"): that one failure is retried once, in a fresh directory.
 */
export async function startDemoKas(
  workDir: string,
  teardown: Teardown,
  say: (line: string) => void,
): Promise<RunningKas> {
  for (let attempt = 1; ; attempt++) {
    const dir = path.join(workDir, attempt === 1 ? 'kas' : `kas-${attempt}`);
    await mkdir(dir);
    try {
      const kas = await startKas({ dir, users: tokenUsers, readyTimeoutMs: 120_000 });
      teardown.add('stop kas', async () => {
        const { exitCode, signal } = await kas.stop();
        return exitCode === 0 ? undefined : [`kas exited with ${exitCode ?? signal}`];
      });
      return kas;
    } catch (error) {
      if (attempt > 1 || !/address already in use/.test(String(error))) throw error;
      say('kas lost a port to another process while starting; trying once more');
    }
  }
}
