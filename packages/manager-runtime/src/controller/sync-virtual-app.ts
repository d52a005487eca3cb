import { canonicalJson } from '@ctrlmesh/route-engine';
import type { Clock } from '@ctrlmesh/runtime-support';
import { type ReconcileOptions, reconcileVirtualApp } from '../core/reconcile-virtual-app.js';
import { virtualAppEvents } from '../core/virtual-app-events.js';
import {
  controllerRevisionFor,
  podViewOf,
  revisionViewOf,
  type VirtualAppObject,
  virtualAppViewOf,
} from '../kube/views-of.js';
import type { Logger } from '../observe/log.js';
import type { ManagerMetrics } from '../observe/metrics.js';
import {
  type EventRecorder,
  type ManagerCache,
  type ManagerWriter,
  StatusConflict,
} from './ports.js';
import { CONFLICT_ATTEMPTS, step } from './sync-step.js';
import type { HandleResult } from './work-queue.js';

/** What one sync needs. */
export interface SyncDeps {
  readonly cache: ManagerCache;
  readonly writer: ManagerWriter;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: ManagerMetrics;
  readonly options: ReconcileOptions;
  /** Events on the VirtualApp for what a written status changed; none when absent. */
  readonly events?: EventRecorder | undefined;
}

/** The work-queue key of a VirtualApp: `namespace/name`. */
export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

const splitKey = (key: string): [string, string] => {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
};

/**
 * Reconciles one VirtualApp: decides with the pure core, then writes in the order that keeps
 * every published name resolvable: the new ControllerRevision, then the status (guarded by the
 * resourceVersion read; after a conflict, read again and decide again), then deletions of old
 * revisions, which the status just written no longer names. Asks to be requeued when a grace
 * period runs out.
 */
export const syncVirtualApp = async (key: string, deps: SyncDeps): Promise<HandleResult> => {
  const [namespace, name] = splitKey(key);
  const { cache, writer, log, metrics } = deps;
  let object: VirtualAppObject | undefined = cache.virtualApp(namespace, name);
  for (let attempt = 1; object !== undefined; attempt += 1) {
    const virtualApp = virtualAppViewOf(object);
    const decision = reconcileVirtualApp({
      virtualApp,
      revisions: cache.revisionsOf(namespace, name).map(revisionViewOf),
      pods: cache.podsIn(namespace).map(podViewOf),
      now: deps.clock.now(),
      options: deps.options,
    });
    if (decision.createRevision !== undefined) {
      await step(metrics, 'createRevision', () =>
        writer.createRevision(controllerRevisionFor(virtualApp, decision.createRevision!)),
      );
      log.info('created revision', { vapp: key, revision: decision.createRevision.name });
    }
    if (canonicalJson(decision.status) !== canonicalJson(object.status)) {
      try {
        await step(metrics, 'writeStatus', () => writer.writeStatus(object!, decision.status));
      } catch (error) {
        if (!(error instanceof StatusConflict) || attempt >= CONFLICT_ATTEMPTS) throw error;
        log.debug('status conflict; reading again', { vapp: key, attempt });
        object = await step(metrics, 'readVirtualApp', () =>
          writer.readVirtualApp(namespace, name),
        );
        continue;
      }
      if (decision.published !== undefined) {
        metrics.published(decision.published.phase);
        log.info('published routing', { vapp: key, ...decision.published });
      }
      if (decision.handoverMs !== undefined) metrics.handover(decision.handoverMs);
      // After the write that made them true, so a conflict retried never reports twice.
      for (const event of virtualAppEvents(virtualApp.status, decision)) {
        await deps.events
          ?.record(object, event)
          .catch((error: unknown) =>
            log.warn('event not recorded', { vapp: key, reason: event.reason, err: error }),
          );
      }
    }
    for (const revision of decision.deleteRevisions) {
      await step(metrics, 'deleteRevision', () => writer.deleteRevision(namespace, revision));
      log.info('deleted old revision', { vapp: key, revision });
    }
    return { requeueAfterMs: decision.requeueAfterMs };
  }
  return undefined;
};
