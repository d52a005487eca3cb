import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** What the admin endpoints report on. */
export interface AdminDeps {
  readonly registry: Registry;
  /** Why the manager is not ready (caches not synced), or undefined when it is. */
  readonly notReady: () => string | undefined;
}

/**
 * `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (its caches are
 * synced; a replica that is not the leader is ready too: it stands by with warm caches).
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
