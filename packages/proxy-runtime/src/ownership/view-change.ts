import {
  type HandoverDecision,
  handoverDecide,
  isNamespaceResource,
  type Target,
} from '@ctrlmesh/route-engine';
import type { NamespaceLabelMap } from '../namespaces/namespace-labels.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { blindUserAgent } from './blind-user-agent.js';

/** What a filtered watch reads: its resource, its one namespace (or all), its user agent. */
export interface WatchedView {
  readonly group: string;
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly userAgent: string;
}

const visible = (decision: HandoverDecision) => decision.kind === 'allowed';

// The targets a watch's objects can be: its namespace, or every namespace the proxy knows (and
// cluster scope); a Namespace watch's objects are the namespaces themselves (DESIGN §4.1).
const targetsOf = (
  view: WatchedView,
  known: ReadonlyMap<string, NamespaceLabelMap>,
): Target[] | undefined => {
  const base = { group: view.group, resource: view.resource, userAgent: view.userAgent };
  const inNamespace = (name: string): Target | undefined => {
    const labels = known.get(name);
    return labels === undefined ? undefined : { ...base, namespace: { name, labels } };
  };
  if (view.namespace !== undefined && !isNamespaceResource(view)) {
    const target = inNamespace(view.namespace);
    return target === undefined ? undefined : [target];
  }
  const namespaces = [...known.keys()].map((name) => inNamespace(name) as Target);
  return isNamespaceResource(view) ? namespaces : [base, ...namespaces];
};

/**
 * Whether the objects a watch shows may differ between the routes it was decided on (`before`) and
 * new ones (`after`), so that it must end with 410 Expired (DESIGN §5: watches whose visible set
 * changed). It may not when the pod stays in its subset, the user agent stays blind or not, and
 * every namespace the watch can read (the proxy knows every namespace's labels) is visible under
 * both or under neither. Conservative: a rule on object labels (`dependsOnObject`) under either, or
 * a namespace whose labels are not known, counts as a change.
 */
export const viewMayChange = (
  before: RouteSnapshot,
  after: RouteSnapshot,
  view: WatchedView,
  known: ReadonlyMap<string, NamespaceLabelMap>,
): boolean => {
  if (before.subset !== after.subset) return true;
  const blind = blindUserAgent(before, view.userAgent);
  if (blind !== blindUserAgent(after, view.userAgent)) return true;
  if (blind) return false;
  const targets = targetsOf(view, known);
  if (targets === undefined) return true;
  return targets.some((target) => {
    const was = handoverDecide(before.state, target, before.subset);
    const is = handoverDecide(after.state, target, after.subset);
    if (was.kind === 'dependsOnObject' || is.kind === 'dependsOnObject') return true;
    return visible(was) !== visible(is);
  });
};
