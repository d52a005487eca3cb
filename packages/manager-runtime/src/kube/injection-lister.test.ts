import { describe, expect, it } from 'vitest';
import { injectionListerOf } from './injection-lister.js';
import type { NamespaceLabelsCache } from './namespace-labels-cache.js';
import type { VirtualAppObject } from './views-of.js';

const app = (namespace: string, name: string) =>
  ({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { namespace, name },
    spec: { selector: { matchLabels: { app: name } } },
  }) as VirtualAppObject;

const namespaces: NamespaceLabelsCache = {
  labelsOf: async (name) => ({ 'kubernetes.io/metadata.name': name }),
  start: async () => undefined,
  stop: async () => undefined,
};

describe('injectionListerOf', () => {
  it('lists the cached VirtualApps of one namespace with their specs', () => {
    const lister = injectionListerOf({
      virtualApps: () => [app('a', 'one'), app('b', 'two'), app('a', 'three')],
      namespaces,
    });
    expect(lister.virtualApps('a')).toEqual([
      { name: 'one', spec: { selector: { matchLabels: { app: 'one' } } } },
      { name: 'three', spec: { selector: { matchLabels: { app: 'three' } } } },
    ]);
  });

  it('reads namespace labels from the namespace cache', async () => {
    const lister = injectionListerOf({ virtualApps: () => [], namespaces });
    expect(await lister.namespaceLabels('ops')).toEqual({ 'kubernetes.io/metadata.name': 'ops' });
  });
});
