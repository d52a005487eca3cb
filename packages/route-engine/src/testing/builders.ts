import type { Target } from '../target.js';
import type { VirtualApp } from '../virtual-app.js';

/**
 * A target for tests: a pod in namespace `default` (no labels) unless overridden. Pass
 * `namespace: undefined` for a cluster-scoped target.
 */
export const aTarget = (overrides: Partial<Target> = {}): Target => ({
  group: '',
  resource: 'pods',
  namespace: { name: 'default', labels: {} },
  objectLabels: {},
  ...overrides,
});

/** A minimal valid VirtualApp with the given spec fields (selector `app=operator`). */
export const aVirtualApp = (spec: Partial<VirtualApp['spec']> = {}): VirtualApp => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'operator', namespace: 'operators' },
  spec: { selector: { matchLabels: { app: 'operator' } }, ...spec },
});
