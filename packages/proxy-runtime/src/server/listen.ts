import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InFlight } from './serve-proxy.js';

/** Starts listening and resolves with the bound address (port 0 picks a free port). */
export const listen = (server: Server, host: string, port: number): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });

/**
 * Stops accepting connections and drains: watches and streams are ended at once (their clients
 * re-watch, from their last resourceVersion, through another proxy or after restart); ordinary
 * requests get up to `timeoutMs` to finish, then every connection is cut.
 */
export const drain = async (
  server: Server,
  inFlight: InFlight,
  timeoutMs: number,
): Promise<void> => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const request of [...inFlight.long]) request.stop();
  server.closeIdleConnections();
  const deadline = Date.now() + timeoutMs;
  while (inFlight.short.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeIdleConnections();
  }
  server.closeAllConnections();
  await closed;
};
