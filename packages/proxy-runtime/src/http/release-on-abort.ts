import type { Readable } from 'node:stream';

/**
 * Destroys an answer of the apiserver when the exchange is aborted (the controller went away). A
 * short request's upstream does not listen to the exchange's signal (server/serve-proxy.ts), so a
 * stage that reads or filters the answer itself releases it here; otherwise a stalled apiserver
 * read would hold the pooled connection until the body timeout. (Destroying a filtered answer
 * does not reach the upstream either: Readable.from's destroy awaits the pending read.)
 */
export const releaseOnAbort = (signal: AbortSignal, upstream: Readable): void => {
  if (signal.aborted) upstream.destroy();
  else signal.addEventListener('abort', () => upstream.destroy(), { once: true });
};
