import { describe, expect, it } from 'vitest';
import { patchedLabels } from './patched-labels.js';

const current = {
  metadata: { name: 'x', labels: { shard: 'a', 'example.com/tier': 'web' } },
  spec: { ports: [1, 2] },
};

describe('patchedLabels', () => {
  it('merges labels as a merge patch does: null removes, a null map clears, no metadata keeps', () => {
    expect(
      patchedLabels('merge', current, { metadata: { labels: { shard: null, x: 'y' } } }),
    ).toEqual({ 'example.com/tier': 'web', x: 'y' });
    expect(patchedLabels('merge', current, { metadata: { labels: null } })).toEqual({});
    expect(patchedLabels('merge', current, { metadata: null })).toEqual({});
    expect(patchedLabels('merge', current, { spec: {} })).toEqual(current.metadata.labels);
  });

  it('reads the $patch directives of a strategic merge patch, and only there', () => {
    const replace = { metadata: { labels: { $patch: 'replace', shard: 'b' } } };
    expect(patchedLabels('strategic', current, replace)).toEqual({ shard: 'b' });
    expect(patchedLabels('strategic', current, { metadata: { $patch: 'delete' } })).toEqual({});
    expect(patchedLabels('strategic', current, { $patch: 'replace', metadata: {} })).toEqual({});
    expect(patchedLabels('merge', current, replace)).toEqual({
      ...current.metadata.labels,
      $patch: 'replace',
      shard: 'b',
    });
  });

  it('follows $retainKeys and drops a $patch map that lands where there was nothing', () => {
    const retain = { metadata: { $retainKeys: ['name'], name: 'x' } };
    expect(patchedLabels('strategic', current, retain)).toEqual({});
    const keep = { metadata: { labels: { $retainKeys: ['shard'], shard: 'b' } } };
    expect(patchedLabels('strategic', current, keep)).toEqual({ shard: 'b' });
    const bare = { metadata: { name: 'x' } };
    const replace = { metadata: { labels: { $patch: 'replace', shard: 'b' } } };
    // Where the object has no labels, a `$patch: replace` map is dropped, not set.
    expect(patchedLabels('strategic', bare, replace)).toEqual({});
    expect(
      patchedLabels('strategic', bare, {
        metadata: { labels: { x: { $patch: 'delete' }, y: 'z' } },
      }),
    ).toEqual({ y: 'z' });
  });

  it('cannot tell the labels of strategic directives it does not follow on metadata or labels', () => {
    for (const patch of [
      { metadata: { $patch: 'merge' } },
      { metadata: { labels: { '$deleteFromPrimitiveList/shard': 'b' } } },
      { metadata: { '$setElementOrder/labels': [] } },
      { metadata: { $retainKeys: 'labels' } },
    ]) {
      expect(patchedLabels('strategic', current, patch)).toBeUndefined();
    }
    const ownerOrder = { metadata: { '$setElementOrder/ownerReferences': [{ uid: 'u' }] } };
    expect(patchedLabels('strategic', current, ownerOrder)).toEqual(current.metadata.labels);
  });

  it('applies a JSON patch to the object as it is now, with escaped pointers', () => {
    expect(
      patchedLabels('json', current, [
        { op: 'remove', path: '/metadata/labels/example.com~1tier' },
        { op: 'copy', from: '/metadata/name', path: '/metadata/labels/name' },
        { op: 'add', path: '/spec/ports/-', value: 3 },
      ]),
    ).toEqual({ shard: 'a', name: 'x' });
    expect(
      patchedLabels('json', current, [{ op: 'replace', path: '', value: { metadata: {} } }]),
    ).toEqual({});
  });

  it('reads array indices as the apiserver does, negative ones from the end', () => {
    expect(
      patchedLabels('json', current, [
        { op: 'replace', path: '/spec/ports/-1', value: 3 },
        { op: 'add', path: '/spec/ports/-3', value: 0 },
        { op: 'test', path: '/spec/ports', value: [0, 1, 3] },
        { op: 'replace', path: '/metadata/labels/shard', value: 'b' },
      ]),
    ).toEqual({ shard: 'b', 'example.com/tier': 'web' });
  });

  it("follows the apiserver's JSON patch library where it departs from RFC 6902", () => {
    const labels = (operations: object[]) => patchedLabels('json', current, operations);
    // The first segment of a path is ignored, even when it is not empty.
    expect(labels([{ op: 'add', path: 'x/metadata/labels/shard', value: 'b' }])).toMatchObject({
      shard: 'b',
    });
    // replace sets a missing key of an object; a missing value is null.
    expect(labels([{ op: 'replace', path: '/metadata/labels/new', value: 'y' }])).toMatchObject({
      new: 'y',
    });
    expect(labels([{ op: 'add', path: '/metadata/labels' }])).toEqual({});
    // copy from a missing key copies null; test of a missing key against null passes.
    expect(
      labels([
        { op: 'test', path: '/metadata/missing', value: null },
        { op: 'copy', from: '/metadata/missing', path: '/metadata/labels' },
      ]),
    ).toEqual({});
    // test compares structure, not key order.
    expect(
      labels([
        { op: 'test', path: '/metadata/labels', value: { 'example.com/tier': 'web', shard: 'a' } },
      ]),
    ).toEqual(current.metadata.labels);
  });

  it('cannot tell the labels of a JSON patch the apiserver would refuse too', () => {
    for (const patch of [
      [{ op: 'test', path: '/metadata/labels/shard', value: 'b' }],
      [{ op: 'remove', path: '/metadata/labels/missing' }],
      [{ op: 'replace', path: '/spec/ports/2', value: 0 }],
      [{ op: 'replace', path: '/spec/ports/-3', value: 0 }],
      [{ op: 'add', path: 'labels', value: 'y' }],
      [{ op: 'add', path: '', value: {} }],
      [{ op: 'add', path: '/metadata/missing/x', value: 'y' }],
      [{ op: 'move', from: '/metadata/missing', path: '/metadata/labels' }],
      [{ op: 'replace', path: '', value: 'scalar' }],
      [{ op: 'frobnicate', path: '/metadata' }],
      { op: 'add', path: '/metadata/labels/x', value: 'y' },
    ]) {
      expect(patchedLabels('json', current, patch)).toBeUndefined();
    }
  });

  it('sets the labels an apply names over the current ones', () => {
    expect(patchedLabels('apply', current, { metadata: { labels: { shard: 'b' } } })).toEqual({
      shard: 'b',
      'example.com/tier': 'web',
    });
    expect(patchedLabels('apply', current, { data: {} })).toEqual(current.metadata.labels);
  });
});
