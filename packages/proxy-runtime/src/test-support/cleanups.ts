import type { Server } from 'node:http';
import { afterEach } from 'vitest';

/** Something a test started and must stop before the next test runs. */
export type Cleanup = () => unknown;

/**
 * A list the calling test file pushes its cleanups on. After each test they run newest first, so
 * what was started last (a proxy) stops before what it talks to (its stand-in apiserver).
 */
export const cleanupsAfterEach = (): Cleanup[] => {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
};

/** Closes `server` and every connection it still holds, open watches among them. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
