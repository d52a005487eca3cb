import { FrameTooLargeError, type WatchExpiredError } from '../status/proxy-error.js';
import type { KubeObject, ObjectVerdict } from './kube-object.js';
import { isTable, subjectOf, tableBookmark } from './kube-table.js';
import { TableColumns } from './table-columns.js';
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
  /**
   * Resolves when this watch must end: with 410 Expired (routes or namespace labels changed, a
   * watch fault's deadline), or, with undefined, silently (a watch fault that just closes).
   */
  readonly expired: Promise<WatchExpiredError | undefined>;
  readonly counts: WatchFilterCounts;
  /** A watch fault counting the events the client is shown (`createWatchCutter`). */
  readonly cut?: WatchCut | undefined;
}

/** How a watch fault cuts a filtered watch. */
export interface WatchCut {
  /** Asked for each event the client would be shown: pass it on, and end the watch after it? */
  readonly onEvent: () => { readonly forward: boolean; readonly cut: boolean };
  /** The ERROR event that ends the watch (410 Expired), or undefined to just end the stream. */
  readonly error: WatchExpiredError | undefined;
  /** Told once, when the watch is cut. */
  readonly onCut: () => void;
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
  const columns = new TableColumns();
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), expired]);
      if ('expired' in step) {
        if (step.expired !== undefined) yield codec.error(step.expired);
        return;
      }
      if (step.done) return;
      buffered =
        buffered.length === 0 ? Buffer.from(step.value) : Buffer.concat([buffered, step.value]);
      const { frames, rest } = codec.split(buffered);
      for (const frame of frames) {
        const shown = options.counts.kept;
        const out = await decideFrame(frame, options, columns);
        if (out === undefined) continue;
        // Only events that show the client an object count towards a cut: never bookmarks, nor
        // the initial events of a watch list (a cut among them would make a list that never ends).
        const counted = options.counts.kept > shown && !options.visibility.inInitialEvents;
        const verdict = options.cut && counted ? options.cut.onEvent() : PASS;
        if (verdict.forward) yield out;
        if (verdict.cut && options.cut !== undefined) {
          options.cut.onCut();
          if (options.cut.error !== undefined) yield codec.error(options.cut.error);
          return;
        }
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

const PASS = { forward: true, cut: false } as const;

const decideFrame = async (
  frame: Buffer,
  options: WatchFilterOptions,
  columns: TableColumns,
): Promise<Buffer | undefined> => {
  const decoded = options.codec.decode(frame);
  const { event } = decoded;
  const passive = event.type === 'BOOKMARK' || event.type === 'ERROR';
  // A Table event (kubectl's `as=Table`) is decided, and remembered, by its row's object: the
  // Table's own metadata names nothing (issue 9). One that names no object is never shown.
  const subject = subjectOf(event.object);
  const verdict = passive || subject === undefined ? false : options.keep(subject);
  const visible = typeof verdict === 'boolean' ? verdict : await verdict;
  const outcome = options.visibility.next(
    { type: event.type, object: subject ?? positionOf(event.object) },
    visible,
  );
  const table = isTable(event.object) ? event.object : undefined;
  if (table) columns.saw(table);
  if (!passive) {
    // Kept: the client got the event with its object (possibly retyped); dropped: hidden or bookmarked.
    if (outcome.kind === 'forward' || outcome.kind === 'retype') options.counts.kept++;
    else options.counts.dropped++;
  }
  // Not on a bookmark: kubectl skips those, and would then miss the columns.
  if (!passive && (outcome.kind === 'forward' || outcome.kind === 'retype')) {
    const type = outcome.kind === 'retype' ? outcome.type : event.type;
    const withColumns = table && columns.toSend(table);
    if (withColumns)
      return options.codec.retype({ ...decoded, event: { type, object: withColumns } }, type);
  }
  switch (outcome.kind) {
    case 'forward':
      return frame;
    case 'retype':
      return options.codec.retype(decoded, outcome.type);
    case 'bookmark':
      // The client asked for Tables: its bookmark is one too (the shape the apiserver sends).
      return options.codec.bookmark(
        decoded,
        table ? tableBookmark(table, outcome.object) : outcome.object,
      );
    case 'drop':
      return undefined;
  }
};

// Only the position of an event whose object cannot be told: nothing to show, key or leak.
const positionOf = (object: KubeObject): KubeObject => {
  const resourceVersion = object.metadata?.resourceVersion;
  return resourceVersion === undefined ? {} : { metadata: { resourceVersion } };
};
