import {
  FrameTooLargeError,
  UpstreamMalformedError,
  type WatchExpiredError,
} from '../status/proxy-error.js';
import { statusFor } from '../status/status-for.js';
import type { ObjectVerdict } from './kube-object.js';
import type { WatchEvent, WatchVisibility } from './watch-visibility.js';

/** Counts of a watch filter, updated as events pass. */
export interface WatchFilterCounts {
  kept: number;
  dropped: number;
}

/** Options of {@link filterJsonWatch}. */
export interface JsonWatchFilterOptions {
  readonly keep: ObjectVerdict;
  readonly visibility: WatchVisibility;
  /** The largest event the filter will hold; above it the watch ends with an ERROR event. */
  readonly maxFrameBytes: number;
  /** Resolves when this watch must end with 410 Expired (routes or namespace labels changed). */
  readonly expired: Promise<WatchExpiredError>;
  readonly counts: WatchFilterCounts;
}

const NEWLINE = 0x0a;

/** A watch ERROR event carrying the metav1.Status for `error`, as the apiserver frames one. */
export const jsonErrorEvent = (error: unknown): Buffer =>
  Buffer.from(`${JSON.stringify({ type: 'ERROR', object: statusFor(error).status })}\n`);

/**
 * Filters a JSON watch stream (one event per line, as the apiserver's encoder writes them). Each event
 * is parsed to decide; unchanged events are forwarded as their original bytes, and each output event
 * is yielded on its own so it reaches the client at once (no flush timer: the original's 500 ms
 * flush interval delayed every event). Ends with an ERROR event when the watch expires, the upstream
 * sends garbage, or an event is larger than the bound.
 */
export async function* filterJsonWatch(
  source: AsyncIterable<Uint8Array>,
  options: JsonWatchFilterOptions,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const expired = options.expired.then((error) => ({ expired: error }));
  let buf = Buffer.alloc(0);
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), expired]);
      if ('expired' in step) {
        yield jsonErrorEvent(step.expired);
        return;
      }
      if (step.done) return;
      buf = buf.length === 0 ? Buffer.from(step.value) : Buffer.concat([buf, step.value]);
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
        const line = buf.subarray(start, nl + 1);
        start = nl + 1;
        const out = await decideLine(line, options);
        if (out !== undefined) yield out;
      }
      buf = buf.subarray(start);
      if (buf.length > options.maxFrameBytes) {
        yield jsonErrorEvent(new FrameTooLargeError(options.maxFrameBytes));
        return;
      }
    }
  } catch (error) {
    yield jsonErrorEvent(error);
  } finally {
    // Not awaited: a source blocked in a read settles its return() only after that read (a Readable's
    // iterator destroys the stream at once, which is what releases the upstream connection).
    iterator.return?.()?.catch(() => undefined);
  }
}

const decideLine = async (
  line: Buffer,
  options: JsonWatchFilterOptions,
): Promise<Buffer | undefined> => {
  if (line.length <= 1) return undefined;
  let event: WatchEvent;
  try {
    event = JSON.parse(line.toString('utf8')) as WatchEvent;
  } catch {
    throw new UpstreamMalformedError('a watch event from the kube-apiserver is not valid JSON');
  }
  const passive = event.type === 'BOOKMARK' || event.type === 'ERROR';
  const verdict = passive ? false : options.keep(event.object);
  const visible = typeof verdict === 'boolean' ? verdict : await verdict;
  const outcome = options.visibility.next(event, visible);
  if (!passive) {
    // Kept: the client got the event with its object (possibly retyped); dropped: hidden or bookmarked.
    if (outcome.kind === 'forward' || outcome.kind === 'retype') options.counts.kept++;
    else options.counts.dropped++;
  }
  switch (outcome.kind) {
    case 'forward':
      return line;
    case 'retype':
      return Buffer.from(`${JSON.stringify({ type: outcome.type, object: event.object })}\n`);
    case 'bookmark':
      return Buffer.from(`${JSON.stringify({ type: 'BOOKMARK', object: outcome.object })}\n`);
    case 'drop':
      return undefined;
  }
};
