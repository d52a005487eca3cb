import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WatchExpiredError } from '../status/proxy-error.js';
import { jsonWatchCodec } from './json-watch-codec.js';
import type { KubeObject } from './kube-object.js';
import { filterWatch, type WatchFilterCounts } from './watch-filter.js';
import { WatchVisibility } from './watch-visibility.js';

const fixture = readFileSync(new URL('./fixtures/configmap-watch.jsonl', import.meta.url));

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const byLabel = (object: KubeObject) => object.metadata?.labels?.shard === 'a';
const never = new Promise<WatchExpiredError>(() => undefined);

const run = async (source: AsyncIterable<Uint8Array>, expired = never, maxFrameBytes = 1 << 20) => {
  const counts: WatchFilterCounts = { kept: 0, dropped: 0 };
  const visibility = new WatchVisibility([], {
    bookmarks: true,
    sendInitialEvents: false,
    fromExactVersion: true,
  });
  const lines: string[] = [];
  for await (const out of filterWatch(source, {
    codec: jsonWatchCodec,
    keep: byLabel,
    visibility,
    maxFrameBytes,
    expired,
    counts,
  })) {
    lines.push(out.toString('utf8'));
  }
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
