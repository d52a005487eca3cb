import type { CompiledRoutes } from './compiled-routes.js';
import { evaluateOwnership, type Ownership } from './ownership.js';
import type { Target } from './target.js';

/** An ownership with the chain of reasons, in plain sentences, for people and the CLI. */
export interface Explanation {
  readonly ownership: Ownership;
  readonly reasons: readonly string[];
}

/** The first line of every explanation: what the target is. */
export const describeTarget = (target: Target): string => {
  const resource = [target.group === '' ? 'core' : target.group, target.resource]
    .concat(target.subresource === undefined ? [] : [target.subresource])
    .join('/');
  const where =
    target.namespace === undefined
      ? target.group === '' && target.resource === 'namespaces'
        ? 'a Namespace not known yet'
        : 'cluster scope'
      : `namespace "${target.namespace.name}"`;
  const labels = target.objectLabels === undefined ? ', object labels not known' : '';
  const agent = target.userAgent === undefined ? '' : `, user agent "${target.userAgent}"`;
  return `target: ${resource} in ${where}${labels}${agent}`;
};

/** Explains who owns `target` and why; `ownership` always equals `owner(routes, target)`. */
export const explain = (routes: CompiledRoutes, target: Target): Explanation => {
  const reasons = [describeTarget(target)];
  const ownership = evaluateOwnership(routes, target, reasons);
  return { ownership, reasons };
};
