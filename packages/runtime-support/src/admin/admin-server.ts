import { createServer, type Server } from 'node:http';

/** The part of a prom-client `Registry` the admin server reads. */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** What the admin endpoints report on. */
export interface AdminDeps {
  readonly registry: MetricsRegistry;
  /** Why the process is not ready to serve, or undefined when it is. */
  readonly notReady: () => string | undefined;
}

/**
 * `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (200 `ok`, or 503
 * `not ready: <reason>`); the query string is ignored, any other path is 404. Each runtime decides
 * what ready means: the proxy fails closed until its routes are known, the manager waits for its
 * caches (a replica that is not the leader is ready too: it stands by with warm caches).
 */
export const createAdminServer = (deps: AdminDeps): Server =>
  createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (path === '/readyz') {
      const reason = deps.notReady();
      res
        .writeHead(reason === undefined ? 200 : 503, { 'content-type': 'text/plain' })
        .end(reason === undefined ? 'ok' : `not ready: ${reason}`);
      return;
    }
    if (path === '/metrics') {
      deps.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': deps.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
