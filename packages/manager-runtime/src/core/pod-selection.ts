import {
  fromStructuredSelector,
  matchesLabels,
  type StructuredLabelSelector,
} from '@ctrlmesh/route-engine';
import type { PodView } from './views.js';

/** The pods any of `specs` (as stored, unvalidated) selects, each once, sorted by name. */
export const selectPodsOf = (specs: readonly unknown[], pods: readonly PodView[]): PodView[] =>
  [
    ...new Map(
      specs.flatMap((spec) => selectPods(spec, pods)).map((pod) => [pod.name, pod]),
    ).values(),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** The pods that `spec.selector` selects, sorted by name; none when it does not parse. */
export const selectPods = (spec: unknown, pods: readonly PodView[]): PodView[] => {
  const selector = (spec as { selector?: StructuredLabelSelector } | undefined)?.selector;
  if (selector === undefined) return [];
  const parsed = fromStructuredSelector(selector);
  if (!parsed.ok) return [];
  return pods
    .filter((pod) => matchesLabels(parsed.value, pod.labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};
