import type { VirtualApp } from '@ctrlmesh/route-engine';
import type { PodView, Routing, VirtualAppView } from '../core/views.js';

/** The time tests start at: 2026-01-01T00:00:00Z. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A valid spec: pods `app=web`, subsets v1 (`version=v1`) and v2 (`version=v2`, rule `canary`). */
export const aSpec = (canaryNamespaces = ['canary-a']): VirtualApp['spec'] => ({
  selector: { matchLabels: { app: 'web' } },
  route: {
    subRules: [
      {
        name: 'canary',
        match: [
          {
            namespaceSelector: {
              matchExpressions: [
                { key: 'kubernetes.io/metadata.name', operator: 'In', values: canaryNamespaces },
              ],
            },
          },
        ],
      },
    ],
  },
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] },
  ],
});

/** A VirtualApp named `web` in `operators` with `spec`, generation and status as given. */
export const aVirtualApp = (overrides: Partial<VirtualAppView> = {}): VirtualAppView => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  name: 'web',
  namespace: 'operators',
  uid: 'uid-web',
  generation: 1,
  spec: aSpec(),
  ...overrides,
});

/** A Ready pod of `web` (labels `app=web`, `version`), created and Ready since {@link T0}. */
export const aPod = (name: string, overrides: Partial<PodView> = {}): PodView => ({
  name,
  labels: { app: 'web', version: name.includes('v2') ? 'v2' : 'v1' },
  createdAt: T0,
  deleting: false,
  ready: { status: 'True', since: T0 },
  ...overrides,
});

/** `pod` with its proxy reporting that it enforces `state`. */
export const reporting = (pod: PodView, state: Routing): PodView => ({
  ...pod,
  routesApplied: { status: 'True', reason: state.phase, message: state.currentRevision },
});
