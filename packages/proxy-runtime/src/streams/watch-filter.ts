import { FrameTooLargeError, type WatchExpiredError } from '../status/proxy-error.js';
import type { ObjectVerdict } from './kube-object.js';
import type { WatchCodec } from './watch-codec.js';
import type { WatchVisibility } from './watch-visibility.js';

/** Counts of a watch filter, updated as events pass. */
export interface WatchFilterCounts {
  kept: number;
  dropped: number;
}

/** Options of {@link filterWatch}. */
export interface WatchFilterOptions {
  readonly codec: WatchCodec;
  readonly keep: ObjectVerdict;
  readonly visibility: WatchVisibility;
  /** The largest event the filter will hold; above it the watch ends with an ERROR event. */
  readonly maxFrameBytes: number;
  /** Resolves when this watch must end with 410 Expired (routes or namespace labels changed). */
  readonly expired: Promise<WatchExpiredError>;
  readonly counts: WatchFilterCounts;
}

/**
 * Filters a watch stream, JSON or protobuf (the codec frames and encodes). Each event is decoded to
 * decide; unchanged events are forwarded as their original bytes, and each output event is yielded on
 * its own so it reaches the client at once (no flush timer: the original's 500 ms flush interval
 * delayed every event). Ends with an ERROR event when the watch expires, the upstream sends garbage,
 * or an event is larger than the bound.
 */
export async function* filterWatch(
  source: AsyncIterable<Uint8Array>,
  options: WatchFilterOptions,
): AsyncGenerator<Buffer> {
  const { codec } = options;
  const iterator = source[Symbol.asyncIterator]();
  const expired = options.expired.then((error) => ({ expired: error }));
  let buffered: Buffer = Buffer.alloc(0);
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), expired]);
      if ('expired' in step) {
        yield codec.error(step.expired);
        return;
      }
      if (step.done) return;
      buffered =
        buffered.length === 0 ? Buffer.from(step.value) : Buffer.concat([buffered, step.value]);
      const { frames, rest } = codec.split(buffered);
      for (const frame of frames) {
        const out = await decideFrame(frame, options);
        if (out !== undefined) yield out;
      }
      buffered = rest;
      if (buffered.length > options.maxFrameBytes)
        throw new FrameTooLargeError(options.maxFrameBytes);
    }
  } catch (error) {
    yield codec.error(error);
  } finally {
    // Not awaited: a source blocked in a read settles its return() only after that read, which
    // on a quiet watch may be a minute away. The upstream answer is destroyed when the filtered
    // one closes (stages/filter-response.ts).
    iterator.return?.()?.catch(() => undefined);
  }
}

const decideFrame = async (
  frame: Buffer,
  options: WatchFilterOptions,
): Promise<Buffer | undefined> => {
  const decoded = options.codec.decode(frame);
  const { event } = decoded;
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
      return frame;
    case 'retype':
      return options.codec.retype(decoded, outcome.type);
    case 'bookmark':
      return options.codec.bookmark(decoded, outcome.object);
    case 'drop':
      return undefined;
  }
};
