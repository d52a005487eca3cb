import { readFileSync } from 'node:fs';
import { wire } from '@ctrlmesh/leader-election-rewriter';
import { describe, expect, it } from 'vitest';
import type { ListFilterSummary } from './json-list-filter.js';
import type { KubeObject } from './kube-object.js';
import { objectOf, openEnvelope } from './kube-protobuf.js';
import { filterProtobufList } from './protobuf-list-filter.js';
import { firstBytes, nextField } from './protobuf-wire.js';

const { WireFieldCursor } = wire;

// Recorded from a kube-apiserver v1.36 (`Accept: application/vnd.kubernetes.protobuf`): four
// ConfigMaps in canary-a and team-b; the page is a list of every ConfigMap with limit=3.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

// The payloads of every field `number` of a message, in order.
const payloads = (message: Buffer, number: number): Buffer[] => {
  const found: Buffer[] = [];
  const field = new WireFieldCursor(message);
  while (nextField(field))
    if (field.number === number) found.push(message.subarray(field.payloadStart, field.end));
  return found;
};

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const run = async (name: string, keep: (o: KubeObject) => boolean, maxListBytes = 1 << 20) => {
  const summary: ListFilterSummary = {
    kept: 0,
    dropped: 0,
    shownKeys: [],
    resourceVersion: undefined,
  };
  const out: Buffer[] = [];
  for await (const part of filterProtobufList(chunked(fixture(name), 100), {
    keep,
    maxListBytes,
    summary,
  }))
    out.push(part);
  const envelope = openEnvelope(Buffer.concat(out));
  const items = payloads(envelope.raw, 2).map((item) => objectOf(item));
  const listMeta = firstBytes(envelope.raw, 1)!;
  return { envelope, items, listMeta, summary };
};

const canary = (o: KubeObject) => o.metadata?.namespace === 'canary-a';

describe('filterProtobufList', () => {
  it('keeps only owned items, with the list kind and resourceVersion', async () => {
    const { envelope, items, summary } = await run('configmap-list.pb', canary);
    expect(envelope.kind).toBe('ConfigMapList');
    expect(items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual([
      'canary-a/one',
      'canary-a/two',
    ]);
    expect(summary).toMatchObject({
      kept: 2,
      dropped: 2,
      shownKeys: ['canary-a/one', 'canary-a/two'],
    });
    expect(summary.resourceVersion).toMatch(/^\d+$/);
  });

  it('is byte-identical when everything is kept', async () => {
    const parts: Buffer[] = [];
    const summary: ListFilterSummary = {
      kept: 0,
      dropped: 0,
      shownKeys: [],
      resourceVersion: undefined,
    };
    for await (const part of filterProtobufList(chunked(fixture('configmap-list.pb'), 64), {
      keep: () => true,
      maxListBytes: 1 << 20,
      summary,
    })) {
      parts.push(part);
    }
    expect(Buffer.concat(parts)).toEqual(fixture('configmap-list.pb'));
  });

  it('drops remainingItemCount from a page only when items were removed', async () => {
    const remaining = (meta: Buffer) => payloads(meta, 4).length > 0;
    expect(remaining((await run('configmap-list-page.pb', () => true)).listMeta)).toBe(true);
    const filtered = await run('configmap-list-page.pb', (o) => o.metadata?.name === 'one');
    expect(filtered.items).toHaveLength(1);
    expect(remaining(filtered.listMeta)).toBe(false);
    expect(firstBytes(filtered.listMeta, 3)?.length).toBeGreaterThan(0);
  });

  it('refuses a list larger than its bound', async () => {
    await expect(run('configmap-list.pb', canary, 100)).rejects.toMatchObject({
      code: 'FRAME_TOO_LARGE',
    });
  });
});
