import {
  fromStructuredSelector,
  matchesLabels,
  type StructuredLabelSelector,
} from '@ctrlmesh/route-engine';

/** What injection needs of a VirtualApp: its name and (unvalidated) spec. */
export interface VirtualAppRef {
  readonly name: string;
  readonly spec: unknown;
}

/** The VirtualApp that selects a pod, and a warning when several do. */
export interface Selection {
  readonly virtualApp: VirtualAppRef | undefined;
  readonly warnings: readonly string[];
}

const selects = (spec: unknown, labels: Readonly<Record<string, string>>): boolean => {
  const selector = (spec as { selector?: StructuredLabelSelector } | undefined)?.selector;
  if (selector === undefined) return false;
  const parsed = fromStructuredSelector(selector);
  // An empty selector would select every pod of the namespace; validation refuses it, so do we.
  const empty =
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0;
  return parsed.ok && !empty && matchesLabels(parsed.value, labels);
};

/**
 * The VirtualApp among `virtualApps` (those of the pod's namespace) whose `spec.selector` matches
 * the pod's labels. When several do, the first by name wins and a warning says so: the proxy
 * follows one VirtualApp.
 */
export const virtualAppForPod = (
  virtualApps: readonly VirtualAppRef[],
  podLabels: Readonly<Record<string, string>> | undefined,
): Selection => {
  const matching = virtualApps
    .filter((app) => selects(app.spec, podLabels ?? {}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const [first] = matching;
  if (matching.length <= 1) return { virtualApp: first, warnings: [] };
  return {
    virtualApp: first,
    warnings: [
      `VirtualApps ${matching.map((a) => a.name).join(', ')} all select this pod; its proxy follows ${first?.name}`,
    ],
  };
};
