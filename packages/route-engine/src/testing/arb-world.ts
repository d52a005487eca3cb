import fc from 'fast-check';
import type { Target, TargetNamespace } from '../target.js';
import { arbLabels } from './arb-labels.js';
import {
  CLUSTER_RESOURCES,
  NAMESPACE_NAMES,
  NAMESPACED_RESOURCES,
  USER_AGENTS,
} from './vocabulary.js';

/** A random cluster: namespaces with labels, and targets (objects and requests) living in it. */
export interface World {
  readonly namespaces: readonly TargetNamespace[];
  /** Fully known targets: namespaced objects, Namespaces, cluster-scoped objects. */
  readonly targets: readonly Target[];
}

const arbUserAgent = () => fc.option(fc.constantFrom(...USER_AGENTS), { nil: undefined });

const withAgent = (target: Target, userAgent: string | undefined): Target =>
  userAgent === undefined ? target : { ...target, userAgent };

/**
 * Random worlds over the vocabulary that `arbVirtualApp()` uses: one to seven namespaces, and
 * namespaced objects, Namespace objects (living in themselves) and cluster-scoped objects, each
 * with labels and sometimes a user agent.
 */
export const arbWorld = (): fc.Arbitrary<World> =>
  fc
    .uniqueArray(fc.record({ name: fc.constantFrom(...NAMESPACE_NAMES), labels: arbLabels() }), {
      selector: (namespace) => namespace.name,
      minLength: 1,
      maxLength: NAMESPACE_NAMES.length,
    })
    .chain((namespaces) => {
      const namespaced = fc
        .record({
          resource: fc.constantFrom(...NAMESPACED_RESOURCES),
          namespace: fc.constantFrom(...namespaces),
          objectLabels: arbLabels(),
          userAgent: arbUserAgent(),
        })
        .map(({ resource, namespace, objectLabels, userAgent }) =>
          withAgent({ ...resource, namespace, objectLabels }, userAgent),
        );
      const namespaceObjects = fc
        .record({ namespace: fc.constantFrom(...namespaces), userAgent: arbUserAgent() })
        .map(({ namespace, userAgent }) =>
          withAgent({ group: '', resource: 'namespaces', namespace }, userAgent),
        );
      const clusterScoped = fc
        .record({
          resource: fc.constantFrom(...CLUSTER_RESOURCES),
          objectLabels: arbLabels(),
          userAgent: arbUserAgent(),
        })
        .map(({ resource, objectLabels, userAgent }) =>
          withAgent({ ...resource, objectLabels }, userAgent),
        );
      return fc.record({
        namespaces: fc.constant(namespaces),
        targets: fc.array(fc.oneof(namespaced, namespaceObjects, clusterScoped), {
          minLength: 1,
          maxLength: 20,
        }),
      });
    });
