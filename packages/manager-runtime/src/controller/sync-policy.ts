import { canonicalJson } from '@ctrlmesh/route-engine';
import type { Clock } from '@ctrlmesh/runtime-support';
import type { PolicyTargetApp } from '../core/policy-pods.js';
import { type PolicyKind, type PolicyView, reconcilePolicy } from '../core/policy-status.js';
import { podViewOf, revisionViewOf, virtualAppViewOf } from '../kube/views-of.js';
import type { Logger } from '../observe/log.js';
import type { ManagerMetrics } from '../observe/metrics.js';
import { type PolicyCache, type PolicyObject, type PolicyWriter, StatusConflict } from './ports.js';
import { CONFLICT_ATTEMPTS, step } from './sync-step.js';
import type { HandleResult } from './work-queue.js';

/** What one policy sync needs. */
export interface PolicySyncDeps {
  readonly cache: PolicyCache;
  readonly writer: PolicyWriter;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: ManagerMetrics;
}

/** The work-queue key of a policy: `kind/namespace/name`. */
export const policyKeyOf = (kind: PolicyKind, namespace: string, name: string): string =>
  `${kind}/${namespace}/${name}`;

const splitPolicyKey = (key: string): [PolicyKind, string, string] => {
  const [kind, namespace, name] = key.split('/');
  return [kind as PolicyKind, namespace ?? '', name ?? ''];
};

const policyViewOf = (kind: PolicyKind, object: PolicyObject): PolicyView => {
  // The status is ours, and nothing the proxies validate.
  const { status, ...stored } = object;
  return {
    kind,
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    generation: object.metadata?.generation ?? 0,
    object: { ...stored, kind },
    conditions: status?.conditions,
  };
};

/**
 * The VirtualApps of `namespace`, each with the spec its proxies enforce: the published
 * revision's (subsets decide which pods a policy targets), or the spec as written before one is.
 */
const targetAppsIn = (cache: PolicyCache, namespace: string): PolicyTargetApp[] =>
  cache.virtualAppsIn(namespace).map((object) => {
    const app = virtualAppViewOf(object);
    const current = app.status?.routing?.currentRevision;
    const published = cache
      .revisionsOf(namespace, app.name)
      .map(revisionViewOf)
      .find((revision) => revision.name === current);
    return { app, spec: published?.spec ?? app.spec };
  });

/**
 * Writes the status of one TrafficPolicy or FaultInjection from its pods' reports (decision
 * 0006): decides with the pure core, writes only a status that changed (guarded by the
 * resourceVersion read; after a conflict, reads again and decides again).
 */
export const syncPolicy = async (key: string, deps: PolicySyncDeps): Promise<HandleResult> => {
  const [kind, namespace, name] = splitPolicyKey(key);
  const { cache, writer, log, metrics } = deps;
  let object = cache.policy(kind, namespace, name);
  for (let attempt = 1; object !== undefined; attempt += 1) {
    const status = reconcilePolicy(
      policyViewOf(kind, object),
      targetAppsIn(cache, namespace),
      cache.podsIn(namespace).map(podViewOf),
      deps.clock.now(),
    );
    if (canonicalJson(status) === canonicalJson(object.status ?? {})) return undefined;
    try {
      const current = object;
      await step(metrics, 'writePolicyStatus', () =>
        writer.writePolicyStatus(kind, current, status),
      );
      log.debug('wrote policy status', {
        policy: key,
        podsSelected: status.podsSelected,
        podsReporting: status.podsReporting,
      });
      return undefined;
    } catch (error) {
      if (!(error instanceof StatusConflict) || attempt >= CONFLICT_ATTEMPTS) throw error;
      log.debug('policy status conflict; reading again', { policy: key, attempt });
      object = await step(metrics, 'readPolicy', () => writer.readPolicy(kind, namespace, name));
    }
  }
  return undefined;
};
