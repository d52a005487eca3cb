import type { InjectionLister } from '../injection/inject-pod-handler.js';
import type { NamespaceLabelsCache } from './namespace-labels-cache.js';
import type { VirtualAppObject } from './views-of.js';

/**
 * The `/inject-pod` handler's lister over the manager's caches: the VirtualApps its informer holds
 * (every namespace, or the one the manager watches) and the namespace labels cache.
 */
export const injectionListerOf = (caches: {
  readonly virtualApps: () => readonly VirtualAppObject[];
  readonly namespaces: NamespaceLabelsCache;
}): InjectionLister => ({
  virtualApps: (namespace) =>
    caches
      .virtualApps()
      .filter((app) => app.metadata?.namespace === namespace)
      .map((app) => ({ name: app.metadata?.name ?? '', spec: app.spec })),
  namespaceLabels: (name) => caches.namespaces.labelsOf(name),
});
