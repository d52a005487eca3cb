import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../status/proxy-error.js';
import { filterJsonList, type ListFilterSummary } from './json-list-filter.js';
import type { KubeObject, ObjectVerdict } from './kube-object.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const canaryOnly = (object: KubeObject) =>
  object.metadata?.namespace?.startsWith('canary-') === true;

const run = async (
  bytes: Buffer,
  keep: ObjectVerdict = canaryOnly,
  chunk = 7,
  maxItemBytes = 1 << 20,
) => {
  const summary: ListFilterSummary = {
    kept: 0,
    dropped: 0,
    shownKeys: [],
    resourceVersion: undefined,
  };
  const parts: Buffer[] = [];
  for await (const part of filterJsonList(chunked(bytes, chunk), { keep, maxItemBytes, summary }))
    parts.push(part);
  return { text: Buffer.concat(parts).toString('utf8'), summary };
};

describe('filterJsonList', () => {
  it('keeps only owned items and the list metadata, whatever the chunking', async () => {
    for (const size of [1, 7, 64, 100_000]) {
      const { text, summary } = await run(fixture('configmap-list.json'), canaryOnly, size);
      const list = JSON.parse(text);
      expect(list.kind).toBe('ConfigMapList');
      expect(list.metadata).toEqual({ resourceVersion: '1234' });
      expect(list.items.map((item: KubeObject) => item.metadata?.name)).toEqual(['cm-0', 'cm-2']);
      expect(summary).toEqual({
        kept: 2,
        dropped: 2,
        shownKeys: ['canary-a/cm-0', 'canary-b/cm-2'],
        resourceVersion: '1234',
      });
    }
  });

  it('copies kept items byte for byte (no re-serialisation)', async () => {
    const original = fixture('configmap-list.json').toString('utf8');
    const { text } = await run(fixture('configmap-list.json'), () => true);
    expect(text).toBe(original);
  });

  it('decides without managedFields when they close the metadata, and sends them on', async () => {
    const managed = '[{"manager":"kubectl","fieldsV1":{"f:data":{}},"x":[["]"]]}]';
    const item = (name: string, namespace: string, tail: string) =>
      `{"metadata":{"name":"${name}","namespace":"${namespace}"${tail}},"data":{"k":"v"}}`;
    const list = Buffer.from(
      `{"kind":"ConfigMapList","metadata":{"resourceVersion":"9"},"items":[${[
        item('last', 'canary-a', `,"ownerReferences":[],"managedFields":${managed}`),
        // Not last: parsed whole, so the labels after it still decide.
        item('middle', 'canary-a', `,"managedFields":${managed},"labels":{"keep":"no"}`),
        // A label value that reads like the key is inside a string: its quotes are escaped.
        item('quoted', 'canary-b', `,"labels":{"a":",\\"managedFields\\":["}`),
      ].join(',')}]}`,
    );
    const seen: KubeObject[] = [];
    const keep = (object: KubeObject) => {
      seen.push(object);
      return object.metadata?.labels?.keep !== 'no';
    };
    for (const size of [1, 5, 100_000]) {
      seen.length = 0;
      const { text } = await run(list, keep, size);
      expect(seen.map((object) => object.metadata)).toEqual([
        { name: 'last', namespace: 'canary-a', ownerReferences: [] },
        {
          name: 'middle',
          namespace: 'canary-a',
          managedFields: JSON.parse(managed),
          labels: { keep: 'no' },
        },
        { name: 'quoted', namespace: 'canary-b', labels: { a: ',"managedFields":[' } },
      ]);
      const items = JSON.parse(text).items as KubeObject[];
      expect(items.map((object) => object.metadata?.name)).toEqual(['last', 'quoted']);
      expect(items[0]?.metadata).toHaveProperty('managedFields', JSON.parse(managed));
    }
  });

  it('drops remainingItemCount only when items were removed', async () => {
    const removed = JSON.parse((await run(fixture('configmap-list-page.json'))).text);
    expect(removed.metadata).toEqual({
      resourceVersion: '1234',
      continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ',
    });
    expect(removed.items).toHaveLength(1);
    const kept = JSON.parse((await run(fixture('configmap-list-page.json'), () => true)).text);
    expect(kept.metadata.remainingItemCount).toBe(7);
  });

  it('passes a Status body through unchanged', async () => {
    const status = Buffer.from('{"kind":"Status","apiVersion":"v1","status":"Failure","code":410}');
    expect((await run(status)).text).toBe(status.toString());
  });

  it('filters an empty list and a list whose items are null', async () => {
    expect(
      JSON.parse((await run(Buffer.from('{"kind":"PodList","metadata":{},"items":[]}'))).text)
        .items,
    ).toEqual([]);
    expect(
      JSON.parse((await run(Buffer.from('{"kind":"PodList","items":null}'))).text).items,
    ).toBeNull();
  });

  it('filters Table rows by the object they carry', async () => {
    const table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      columnDefinitions: [{ name: 'Name' }],
      rows: [
        { cells: ['a'], object: { metadata: { name: 'a', namespace: 'canary-x' } } },
        { cells: ['b'], object: { metadata: { name: 'b', namespace: 'other' } } },
      ],
    };
    const { text } = await run(Buffer.from(JSON.stringify(table)));
    expect(JSON.parse(text).rows.map((row: { cells: string[] }) => row.cells[0])).toEqual(['a']);
  });

  it("decides on the item's own metadata, wherever it sits and whatever looks like it", async () => {
    const list = {
      kind: 'ConfigMapList',
      metadata: {},
      items: [
        // `data` first, with a nested "metadata" key and strings that look like structure.
        {
          data: { metadata: '{"namespace":"canary-fake"}', 'a\\"b': '\\' },
          kind: 'metadata',
          metadata: { name: 'late', namespace: 'canary-a' },
        },
        {
          metadata: { name: 'nested', namespace: 'other' },
          data: { metadata: { namespace: 'canary-x' } },
        },
      ],
    };
    for (const size of [1, 5, 1000]) {
      const { text, summary } = await run(Buffer.from(JSON.stringify(list)), canaryOnly, size);
      expect(JSON.parse(text).items).toEqual([list.items[0]]);
      expect(summary.shownKeys).toEqual(['canary-a/late']);
    }
  });

  it('waits for an asynchronous verdict and keeps item order', async () => {
    const slow = async (object: KubeObject) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return canaryOnly(object);
    };
    const list = JSON.parse((await run(fixture('configmap-list.json'), slow)).text);
    expect(list.items.map((item: KubeObject) => item.metadata?.name)).toEqual(['cm-0', 'cm-2']);
  });

  it('refuses an item larger than the bound with a clear error', async () => {
    await expect(run(fixture('configmap-list.json'), canaryOnly, 16, 64)).rejects.toBeInstanceOf(
      FrameTooLargeError,
    );
  });

  it('reports a list cut off inside its items', async () => {
    const cut = fixture('configmap-list.json').subarray(0, 200);
    await expect(run(cut)).rejects.toMatchObject({ code: 'UPSTREAM_MALFORMED' });
  });
});
