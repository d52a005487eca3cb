import {
  type HandoverDecision,
  handoverDecide,
  isNamespaceResource,
  type Labels,
} from '@ctrlmesh/route-engine';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import type { KubeObject, ObjectVerdict } from '../streams/kube-object.js';

/** What a per-object verdict is about: the resource of a list, watch or get. */
export interface VerdictScope {
  readonly group: string;
  readonly resource: string;
  readonly userAgent: string;
}

// With the object's labels known, route-engine answers allowed, denied, excluded or revoked (handed
// over between revisions); anything else (it should not happen) is treated as "not ours": fail closed.
const allowed = (decision: HandoverDecision): boolean => decision.kind === 'allowed';

/**
 * The per-object decision for lists, watches and gets: this pod may see an object when route-engine
 * says `allowed` under the routing state for its namespace (name and labels) and its own labels
 * (`handoverDecide`: an object handed over between revisions is nobody's while `Revoking`). A
 * Namespace lives in itself (DESIGN §4.1), so it is decided on its own labels. A namespace that does not exist (any more) hides
 * its objects.
 */
export const objectVerdict = (
  snapshot: RouteSnapshot,
  namespaces: NamespaceLabels,
  scope: VerdictScope,
): ObjectVerdict => {
  const { state, subset } = snapshot;
  const decide = (target: Parameters<typeof handoverDecide>[1]) =>
    handoverDecide(state, target, subset);
  const base = { group: scope.group, resource: scope.resource, userAgent: scope.userAgent };
  const withObjectLabels = (object: KubeObject, name: string, labels: Labels): boolean =>
    allowed(
      decide({ ...base, namespace: { name, labels }, objectLabels: object.metadata?.labels ?? {} }),
    );
  // Per namespace, the decision made without the object's labels. Unless an objectSelector applies,
  // it holds for every object there, so a list of thousands decides once per namespace. Keyed by
  // the labels object as well: a relabelled namespace comes with a new one.
  const byNamespace = new Map<string, { labels: Labels; decision: HandoverDecision }>();
  const inNamespace = (object: KubeObject, name: string, labels: Labels | undefined): boolean => {
    if (labels === undefined) return false;
    let known = byNamespace.get(name);
    if (known?.labels !== labels) {
      known = {
        labels,
        decision: decide({ ...base, namespace: { name, labels } }),
      };
      byNamespace.set(name, known);
    }
    return known.decision.kind === 'dependsOnObject'
      ? withObjectLabels(object, name, labels)
      : allowed(known.decision);
  };
  return (object) => {
    const meta = object.metadata ?? {};
    // A Namespace lives in itself: its labels are the object's own, new for every object.
    if (isNamespaceResource(scope))
      return withObjectLabels(object, meta.name ?? '', meta.labels ?? {});
    const namespace = meta.namespace;
    if (namespace === undefined || namespace === '') {
      return allowed(decide({ ...base, objectLabels: meta.labels ?? {} }));
    }
    const labels = namespaces.get(namespace);
    if (labels instanceof Promise)
      return labels.then((known) => inNamespace(object, namespace, known));
    return inNamespace(object, namespace, labels);
  };
};
