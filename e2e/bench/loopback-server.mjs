// How the benchmarks' helper processes (the bare pass-through, the stand-in apiserver, the static
// proxy) tell the benchmark where they listen, and stop.
import { renameSync, writeFileSync } from 'node:fs';

/** Writes `port` to `portFile` aside and renames it, so the benchmark never reads it half-written. */
export const writePortFile = (portFile, port) => {
  writeFileSync(`${portFile}.partial`, String(port));
  renameSync(`${portFile}.partial`, portFile);
};

/**
 * Listens on a free loopback port and writes it to `portFile`; on SIGTERM closes the server, its
 * connections, and whatever `onStop` closes.
 */
export const serveOnLoopback = (server, portFile, onStop = () => undefined) => {
  server.listen(0, '127.0.0.1', () => writePortFile(portFile, server.address().port));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    onStop();
  });
};
