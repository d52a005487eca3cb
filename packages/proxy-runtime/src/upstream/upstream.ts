import { readFile } from 'node:fs/promises';
import { Pool } from 'undici';
import type { ProxyConfig } from '../config.js';

/** The connection pool to the kube-apiserver, shared by every request. */
export interface Upstream {
  readonly origin: string;
  readonly pool: Pool;
  /** The config slice the forwarder needs per request. */
  readonly timeouts: { readonly headersMs: number; readonly bodyMs: number };
  /**
   * Closes the pool: waits up to `graceMs` for requests still running to finish, then destroys
   * every connection. Says how many requests were cut (0 when all finished in time).
   */
  close(graceMs: number): Promise<{ cut: number }>;
}

/**
 * `pool.close()` waits for every running request, however long: one upstream watch nobody reads
 * any more would hold shutdown until the apiserver's next event. Past the grace, destroy.
 */
const closeWithin = async (pool: Pool, graceMs: number): Promise<{ cut: number }> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const closed = pool.close().then(() => 'closed' as const);
  const outcome = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (outcome === 'closed') return { cut: 0 };
  const cut = pool.stats.running + pool.stats.pending;
  await pool.destroy();
  return { cut };
};

/**
 * Opens a keep-alive pool to the apiserver. Its certificate is verified against `caFile` (or the
 * system roots); `insecureSkipTlsVerify` exists for test clusters only. The original proxy skipped
 * verification altogether (reference §10.2 item 20); we do not.
 */
export const createUpstream = async (
  config: Readonly<ProxyConfig['upstream']>,
): Promise<Upstream> => {
  const url = new URL(config.url);
  const ca = config.caFile === undefined ? config.caData : await readFile(config.caFile, 'utf8');
  const pool = new Pool(url.origin, {
    connections: config.connections,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    connect: {
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !config.insecureSkipTlsVerify,
    },
  });
  return {
    origin: url.origin,
    pool,
    timeouts: { headersMs: config.headersTimeoutMs, bodyMs: config.bodyTimeoutMs },
    close: (graceMs) => closeWithin(pool, graceMs),
  };
};
