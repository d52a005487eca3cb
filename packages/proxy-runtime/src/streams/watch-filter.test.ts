import { readFileSync } from 'node:fs';
import { createWatchCutter } from '@ctrlmesh/traffic-policy';
import { describe, expect, it } from 'vitest';
import { WatchExpiredError } from '../status/proxy-error.js';
import { jsonWatchCodec } from './json-watch-codec.js';
import type { KubeObject } from './kube-object.js';
import { filterWatch, type WatchCut, type WatchFilterCounts } from './watch-filter.js';
import { type WatchOpening, WatchVisibility } from './watch-visibility.js';

const fixture = readFileSync(new URL('./fixtures/configmap-watch.jsonl', import.meta.url));

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const byLabel = (object: KubeObject) => object.metadata?.labels?.shard === 'a';
const never = new Promise<WatchExpiredError>(() => undefined);

/** What a JSON-lines watch is filtered with; each field has the default most tests want. */
interface FilterOptions {
  readonly keep?: (object: KubeObject) => boolean;
  readonly opening?: WatchOpening;
  readonly expired?: Promise<WatchExpiredError | undefined>;
  readonly maxFrameBytes?: number;
  readonly cut?: WatchCut;
}

/** Filters a whole JSON-lines watch: the lines it sends on, its counts and its visibility. */
const filterLines = async (
  source: AsyncIterable<Uint8Array>,
  {
    keep = byLabel,
    opening = { bookmarks: true, sendInitialEvents: false, fromExactVersion: true },
    expired = never,
    maxFrameBytes = 1 << 20,
    cut,
  }: FilterOptions = {},
) => {
  const counts: WatchFilterCounts = { kept: 0, dropped: 0 };
  const visibility = new WatchVisibility([], opening);
  const lines: string[] = [];
  for await (const out of filterWatch(source, {
    codec: jsonWatchCodec,
    keep,
    visibility,
    maxFrameBytes,
    expired,
    counts,
    cut,
  })) {
    lines.push(out.toString('utf8'));
  }
  return { lines, counts, visibility };
};

const run = async (source: AsyncIterable<Uint8Array>, expired = never, maxFrameBytes = 1 << 20) => {
  const { lines, counts } = await filterLines(source, { expired, maxFrameBytes });
  return { events: lines.map((line) => JSON.parse(line)), lines, counts };
};

describe('filterWatch with JSON lines', () => {
  it('shows a relabelled object leaving as DELETED and bookmarks what it hides', async () => {
    for (const size of [1, 13, 4096]) {
      const { events, counts } = await run(chunked(fixture, size));
      expect(
        events.map(
          (e) => `${e.type} ${e.object.metadata?.name ?? ''} ${e.object.metadata?.resourceVersion}`,
        ),
      ).toEqual([
        'ADDED one 101',
        'BOOKMARK  102',
        'MODIFIED one 103',
        'DELETED one 104',
        'BOOKMARK  105',
        'ADDED two 106',
        'BOOKMARK  107',
      ]);
      expect(counts).toEqual({ kept: 4, dropped: 3 });
    }
  });

  it("never lets a hidden object's name or labels through", async () => {
    const { lines } = await run(chunked(fixture, 64));
    expect(lines.join('')).not.toContain('"hidden"');
  });

  it('forwards unchanged events as their original bytes, one output per event', async () => {
    const { lines } = await run(chunked(fixture, 3));
    expect(lines[0]).toBe(`${fixture.toString('utf8').split('\n')[0]}\n`);
  });

  it('ends with a 410 Expired ERROR event when the watch expires', async () => {
    let expire: (error: WatchExpiredError) => void = () => undefined;
    const expired = new Promise<WatchExpiredError>((resolve) => {
      expire = resolve;
    });
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield fixture.subarray(0, fixture.indexOf('\n') + 1);
      expire(new WatchExpiredError('routes changed; re-list'));
      await new Promise(() => undefined);
    }
    const { events } = await run(slow(), expired);
    expect(events.at(-1)).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', message: 'routes changed; re-list' },
    });
  });

  it('ends with an ERROR event when an event exceeds the frame bound', async () => {
    const { events } = await run(chunked(fixture, 8), never, 16);
    expect(events).toEqual([
      expect.objectContaining({ type: 'ERROR', object: expect.objectContaining({ code: 500 }) }),
    ]);
  });
});

// Recorded from kas: the same ConfigMap story watched as `as=Table` with includeObject=Metadata
// (rows carry PartialObjectMetadata) and Object (rows carry the ConfigMap). canary-a/one and
// plain/two swap their shard label (a -> b, b -> a), then both are deleted; plain/three (a) and
// canary-a/four (b) are added.
const tableFixture = (include: string) =>
  readFileSync(new URL(`./fixtures/configmap-table-watch-${include}.jsonl`, import.meta.url));

interface TableLine {
  type: string;
  object: {
    kind: string;
    metadata: { resourceVersion: string };
    columnDefinitions: unknown[] | null;
    rows: { object?: { metadata: { namespace: string; name: string } } | null }[];
  };
}

const runTable = async (
  source: AsyncIterable<Uint8Array>,
  keep: (object: KubeObject) => boolean,
  opening?: WatchOpening,
) => {
  const { lines, counts, visibility } = await filterLines(source, {
    keep,
    ...(opening === undefined ? {} : { opening }),
  });
  const events = lines.map((line) => JSON.parse(line) as TableLine);
  const summary = events.map((e) => {
    const row = e.object.rows[0]?.object?.metadata;
    return `${e.type} ${row?.name ? `${row.namespace}/${row.name}` : ''} ${e.object.metadata.resourceVersion}`;
  });
  return { events, lines, summary, counts, visibility };
};

describe('filterWatch with Table events (kubectl get -w), issue 9', () => {
  it.each(['metadata', 'object'])(
    'decides each Table event on its row object (includeObject=%s), moving objects in and out',
    async (include) => {
      for (const size of [7, 4096]) {
        const { events, summary, counts } = await runTable(
          chunked(tableFixture(include), size),
          byLabel,
        );
        expect(summary).toEqual([
          'ADDED canary-a/one 204',
          'BOOKMARK  205',
          'DELETED canary-a/one 206',
          'ADDED plain/two 207',
          'BOOKMARK  208',
          'DELETED plain/two 209',
          'ADDED plain/three 210',
          'BOOKMARK  211',
        ]);
        expect(counts).toEqual({ kept: 5, dropped: 3 });
        // The client asked for Tables and gets nothing else, bookmarks included.
        for (const event of events) expect(event.object.kind).toBe('Table');
      }
    },
  );

  it("never lets a hidden row's object or cells through", async () => {
    const { lines } = await runTable(chunked(tableFixture('metadata'), 64), byLabel);
    expect(lines.join('')).not.toContain('"four"');
  });

  it('gives the client the columns on its first event when the apiserver sent them on a dropped one', async () => {
    const shardB = (object: KubeObject) => object.metadata?.labels?.shard === 'b';
    const { events, summary } = await runTable(chunked(tableFixture('metadata'), 4096), shardB, {
      bookmarks: false,
      sendInitialEvents: false,
      fromExactVersion: true,
    });
    expect(summary[0]).toBe('ADDED plain/two 205');
    expect(events[0]?.object.columnDefinitions).toHaveLength(3);
    expect(events.slice(1).every((event) => event.object.columnDefinitions === null)).toBe(true);
  });

  it('keeps the columns for the first object event, not for a bookmark before it', async () => {
    const initial = tableFixture('initial-metadata');
    const later = tableFixture('metadata').toString('utf8').split('\n')[6];
    // The four initial objects are hidden; the event after the initial-events bookmark is shown.
    let calls = 0;
    const { events, summary } = await runTable(
      chunked(Buffer.from(`${initial.toString('utf8')}${later}\n`), 4096),
      () => ++calls > 4,
      { bookmarks: true, sendInitialEvents: true, fromExactVersion: false },
    );
    expect(summary).toEqual(['BOOKMARK  211', 'ADDED plain/three 210']);
    expect(events[0]?.object.columnDefinitions).toBeNull();
    expect(events[1]?.object.columnDefinitions).toHaveLength(3);
  });

  it('shows nothing of Table events whose rows carry no object (includeObject=None)', async () => {
    const { summary, counts } = await runTable(chunked(tableFixture('none'), 4096), () => true);
    expect(summary.every((line) => line.startsWith('BOOKMARK '))).toBe(true);
    expect(counts).toEqual({ kept: 0, dropped: 8 });
  });

  it('keeps the end of initial events of a Table watch and resumes after it', async () => {
    const { summary, visibility } = await runTable(
      chunked(tableFixture('initial-metadata'), 4096),
      (object) => object.metadata?.namespace === 'plain',
      { bookmarks: true, sendInitialEvents: true, fromExactVersion: false },
    );
    expect(summary).toEqual(['ADDED plain/three 210', 'BOOKMARK  211']);
    expect([...visibility.shownKeys()]).toEqual(['plain/three']);
    expect(visibility.lastResourceVersion).toBe('211');
  });
});

describe('filterWatch with a watch fault', () => {
  const cutAfter = (events: number, error: WatchExpiredError | undefined) => {
    const cutter = createWatchCutter({ afterEvents: events, end: error ? 'Expired' : 'Close' });
    const cuts: number[] = [];
    const cut: WatchCut = { onEvent: () => cutter.onEvent(0), error, onCut: () => cuts.push(1) };
    return { cut, cuts };
  };

  it('cuts after N events the client is shown, with a 410 ERROR event, bookmarks not counted', async () => {
    const all = await filterLines(chunked(fixture, 4096));
    const shown = all.lines.filter((line) => !line.includes('"BOOKMARK"'));
    expect(shown.length).toBeGreaterThan(1);
    const { cut, cuts } = cutAfter(
      1,
      new WatchExpiredError('injected by FaultInjection ops/chaos'),
    );
    const { lines } = await filterLines(chunked(fixture, 7), { cut });
    const events = lines.map((line) => JSON.parse(line));
    expect(events.filter((e) => e.type !== 'BOOKMARK' && e.type !== 'ERROR')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      type: 'ERROR',
      object: { code: 410, reason: 'Expired', message: 'injected by FaultInjection ops/chaos' },
    });
    expect(cuts).toEqual([1]);
  });

  it('does not count the initial events of a watch list: the list must be able to end', async () => {
    const added = (name: string, rv: string) =>
      JSON.stringify({
        type: 'ADDED',
        object: { kind: 'ConfigMap', metadata: { namespace: 'plain', name, resourceVersion: rv } },
      });
    const end = JSON.stringify({
      type: 'BOOKMARK',
      object: {
        kind: 'ConfigMap',
        metadata: { resourceVersion: '13', annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    });
    const stream = [added('a', '10'), added('b', '11'), added('c', '12'), end, added('d', '14')];
    stream.push(added('e', '15'));
    const { cut } = cutAfter(1, new WatchExpiredError('cut'));
    const { lines } = await filterLines(chunked(Buffer.from(`${stream.join('\n')}\n`), 4096), {
      keep: () => true,
      opening: { bookmarks: true, sendInitialEvents: true, fromExactVersion: false },
      cut,
    });
    const types = lines.map((line) => {
      const event = JSON.parse(line);
      return `${event.type} ${event.object.metadata?.name ?? ''}`.trim();
    });
    expect(types).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'BOOKMARK', 'ADDED d', 'ERROR']);
  });

  it('just ends the stream for a fault that closes', async () => {
    const { cut, cuts } = cutAfter(1, undefined);
    const { lines } = await filterLines(chunked(fixture, 4096), { cut });
    expect(lines.map((line) => JSON.parse(line).type).includes('ERROR')).toBe(false);
    expect(cuts).toEqual([1]);
  });

  it('ends silently when told to expire with nothing to say (a closing fault at its deadline)', async () => {
    async function* quiet(): AsyncGenerator<Uint8Array> {
      await new Promise(() => undefined);
    }
    const { lines } = await filterLines(quiet(), { expired: Promise.resolve(undefined) });
    expect(lines).toEqual([]);
  });
});
