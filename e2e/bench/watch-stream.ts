import { Client } from 'undici';
import type { Side } from './side.js';

/** Annotation carrying the writer's sequence number, so each event can be matched to its write. */
export const seqAnnotation = 'bench.ctrlmesh.io/seq';

/** A watch that notes when each sequenced event arrived. */
export interface TimedWatch {
  /** Arrival time (performance.now()) by sequence number; the first arrival of a number counts. */
  readonly arrivals: Map<number, number>;
  /** Events of any kind, including ones without a sequence number. */
  events(): number;
  close(): Promise<void>;
}

interface WatchEvent {
  type: string;
  object?: { metadata?: { annotations?: Record<string, string> } };
}

/**
 * Opens a JSON watch on its own connection (so it takes none of the side's pooled connections) and
 * resolves once the response headers arrived. Every line is parsed, as a client-go or client-node
 * informer would; the arrival time is taken right after the parse.
 */
export async function openTimedWatch(side: Side, path: string): Promise<TimedWatch> {
  const client = new Client(side.origin, {
    connect: { ca: side.caPem },
    bodyTimeout: 0,
    allowH2: false,
  });
  const abort = new AbortController();
  const { statusCode, body } = await client.request({
    method: 'GET',
    path,
    headers: side.headers,
    signal: abort.signal,
  });
  if (statusCode !== 200) {
    const text = await body.text();
    await client.close();
    throw new Error(`watch ${path} via ${side.name}: ${statusCode} ${text}`);
  }
  const arrivals = new Map<number, number>();
  let events = 0;
  const reading = (async () => {
    let pending = '';
    try {
      for await (const chunk of body) {
        pending += (chunk as Buffer).toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
          if (line.trim() === '') continue;
          const event = JSON.parse(line) as WatchEvent;
          const now = performance.now();
          events++;
          const seq = event.object?.metadata?.annotations?.[seqAnnotation];
          if (seq !== undefined && !arrivals.has(Number(seq))) arrivals.set(Number(seq), now);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    arrivals,
    events: () => events,
    close: async () => {
      abort.abort();
      await reading.catch(() => undefined);
      await client.destroy();
    },
  };
}
