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

  it('cannot tell the labels of a JSON patch the apiserver would refuse too', () => {
    for (const patch of [
      [{ op: 'test', path: '/metadata/labels/shard', value: 'b' }],
      [{ op: 'remove', path: '/metadata/labels/missing' }],
      [{ op: 'replace', path: '/spec/ports/2', value: 0 }],
      [{ op: 'add', path: 'metadata/labels/x', value: 'y' }],
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
