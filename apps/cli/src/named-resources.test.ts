import { parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { namedResources } from './named-resources.js';

const app = (route: unknown): VirtualApp => {
  const parsed = parseVirtualApp({
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: 'a' },
    spec: { selector: { matchLabels: { app: 'a' } }, route },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
};

describe('the resources a VirtualApp names', () => {
  it('collects global limits, sub-rule entries and public resources once each, in spec order', () => {
    const named = namedResources([
      app({
        globalLimits: [{ resources: [{ apiGroups: ['apps'], resources: ['deployments'] }] }],
        subRules: [
          {
            name: 'r',
            match: [
              {
                namespaceRegex: '^a',
                resources: [{ apiGroups: ['', 'batch'], resources: ['jobs', 'pods/status'] }],
              },
            ],
          },
        ],
        subsetPublicResources: [{ apiGroups: ['apps'], resources: ['deployments', 'namespaces'] }],
      }),
    ]);
    expect(named).toEqual({
      resources: [
        { group: 'apps', resource: 'deployments' },
        { group: '', resource: 'jobs' },
        { group: '', resource: 'pods' },
        { group: 'batch', resource: 'jobs' },
        { group: 'batch', resource: 'pods' },
        { group: 'apps', resource: 'namespaces' },
      ],
      wildcards: [],
    });
  });

  it('leaves core namespaces out and sets wildcards apart', () => {
    const named = namedResources([
      app({
        subsetPublicResources: [
          { apiGroups: [''], resources: ['namespaces'] },
          { apiGroups: ['*'], resources: ['leases'] },
          { apiGroups: ['apps'], resources: ['*'] },
        ],
      }),
    ]);
    expect(named).toEqual({ resources: [], wildcards: ['*/leases', 'apps/*'] });
  });
});
