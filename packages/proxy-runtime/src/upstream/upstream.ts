import type { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import { Pool } from 'undici';
import type { ProxyConfig } from '../config.js';
import { logRecord } from '../observe/channels.js';
import { Http1Pool } from './http1-pool.js';
import type { ShortRequestDispatcher } from './short-answer.js';
import { isUntrustedCertificate, untrustedDetail } from './upstream-failure.js';

/**
 * The connections to the kube-apiserver: keep-alive pools to the same origin, one per budget.
 * A long-running request holds its HTTP/1.1 connection for as long as it runs, so with one shared
 * pool a controller's watches could take every connection and its short requests (lease renewals
 * among them) would queue behind them indefinitely (issue 9).
 */
export interface Upstream {
  readonly origin: string;
  /** Short requests with a body (writes), and the proxy's own reads; `connections` of them. */
  readonly pool: Pool;
  /**
   * Short requests without a body (gets, lists, most deletes): our own HTTP/1.1 pool, cheaper per
   * request than undici's (`Http1Pool`); `connections` more of them. undici's `pool` when `http2`
   * is set, which multiplexes them instead.
   */
  readonly bodilessPool: ShortRequestDispatcher;
  /**
   * Long-running requests (watches, `log?follow`, exec/attach/port-forward upgrades; see
   * `RequestInfo.longRunning`); `longRunningConnections` of them.
   */
  readonly longRunningPool: Pool;
  /** The config slice the forwarder needs per request. */
  readonly timeouts: { readonly headersMs: number; readonly bodyMs: number };
  /**
   * Closes the pools: waits up to `graceMs` for requests still running to finish, then destroys
   * every connection. Says how many requests were cut (0 when all finished in time).
   */
  close(graceMs: number): Promise<{ cut: number }>;
}

/**
 * `pool.close()` waits for every running request, however long: one upstream watch nobody reads
 * any more would hold shutdown until the apiserver's next event. Past the grace, destroy.
 */
/** What closing needs of a pool, undici's or ours. */
interface ClosablePool {
  close(): Promise<void>;
  destroy(): Promise<void>;
  readonly stats: { readonly running: number; readonly pending: number };
}

const closeWithin = async (
  pool: ClosablePool,
  graceMs: number,
  clock: Clock,
): Promise<{ cut: number }> => {
  // Ends the wait once the pool has closed, so that no timer outlives the close.
  const closing = new AbortController();
  const late = clock.sleep(graceMs, closing.signal).then(() => 'late' as const);
  const closed = pool.close().then(() => 'closed' as const);
  const outcome = await Promise.race([closed, late]);
  closing.abort();
  if (outcome === 'closed') return { cut: 0 };
  const cut = pool.stats.running + pool.stats.pending;
  await pool.destroy();
  return { cut };
};

/**
 * Logs an apiserver certificate the pools refuse, naming the cause: each request that meets it
 * gets a 503 (UPSTREAM_UNTRUSTED), but an operator must learn why from the log. Once per cause
 * until a connection succeeds again, not once per attempt: a controller retrying would flood it.
 */
const reportUntrusted = (origin: string, pools: readonly EventEmitter[]): void => {
  let reported: string | undefined;
  for (const pool of pools) {
    pool.on('connect', () => {
      reported = undefined;
    });
    pool.on('connectionError', (_origin: string, _targets: unknown, error: unknown) => {
      if (!isUntrustedCertificate(error)) return;
      const cause = (error as { code: string }).code;
      if (cause === reported) return;
      reported = cause;
      logRecord.publish({
        level: 'error',
        msg: "the kube-apiserver's certificate is not trusted; check the upstream CA",
        upstream: origin,
        cause,
        error: untrustedDetail(error),
      });
    });
  }
};

// undici's default: how long opening a connection (TCP and TLS) may take.
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the keep-alive pools to the apiserver. Its certificate is verified against `caFile` (or
 * the system roots); `insecureSkipTlsVerify` exists for test clusters only. The original proxy
 * skipped verification altogether (reference §10.2 item 20); we do not. HTTP/2 (undici's
 * `allowH2`) multiplexes short requests over a few connections, as client-go does, when
 * `http2` is set; long-running ones always stay on HTTP/1.1, so each watch holds a connection of
 * its own. undici 8 offers HTTP/2 by default and kube-apiserver takes it, so it is set explicitly.
 */
export const createUpstream = async (
  config: Readonly<ProxyConfig['upstream']>,
  /** What `close` waits its grace on; tests hand in their own. */
  clock: Clock = systemClock,
): Promise<Upstream> => {
  const url = new URL(config.url);
  const ca = config.caFile === undefined ? config.caData : await readFile(config.caFile, 'utf8');
  const poolOf = (connections: number, allowH2: boolean) =>
    new Pool(url.origin, {
      connections,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
      allowH2,
      connect: {
        ...(ca === undefined ? {} : { ca }),
        rejectUnauthorized: !config.insecureSkipTlsVerify,
      },
    });
  const pool = poolOf(config.connections, config.http2);
  const longRunningPool = poolOf(config.longRunningConnections, false);
  const bodilessPool = config.http2
    ? undefined
    : new Http1Pool({
        origin: url.origin,
        connections: config.connections,
        keepAliveTimeoutMs: config.keepAliveTimeoutMs,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        tls: {
          ...(ca === undefined ? {} : { ca }),
          rejectUnauthorized: !config.insecureSkipTlsVerify,
        },
      });
  const pools = [pool, longRunningPool, ...(bodilessPool === undefined ? [] : [bodilessPool])];
  reportUntrusted(url.origin, pools);
  return {
    origin: url.origin,
    pool,
    bodilessPool: bodilessPool ?? pool,
    longRunningPool,
    timeouts: { headersMs: config.headersTimeoutMs, bodyMs: config.bodyTimeoutMs },
    close: async (graceMs) => {
      const closed = await Promise.all(pools.map((each) => closeWithin(each, graceMs, clock)));
      return { cut: closed.reduce((sum, { cut }) => sum + cut, 0) };
    },
  };
};
