/**
 * Lease leader election against coordination.k8s.io/v1, written for the sample (client-node
 * has none): every retry period read the Lease, let {@link decideLease} choose, and write with
 * the resourceVersion just read, so a concurrent writer makes our write fail with 409 instead of
 * both winning. A leader that cannot renew within the renew deadline steps down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  type CoordinationV1Api,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { LeaseTimings } from './config.js';
import {
  decideLease,
  type LeaseRecord,
  type Observation,
  observe,
  releasedRecord,
  renewDeadlinePassed,
} from './lease-decision.js';
import type { Logger } from './log.js';

/** Where the Lease lives and who competes for it. */
export interface LeaderElectionOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  timings: LeaseTimings;
  log: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** Told when this replica starts and stops leading. */
export interface LeadershipListener {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

type Attempt = 'held' | 'not-held' | 'failed';

/**
 * Competes for the Lease until `signal` aborts; a leader then releases it so another replica
 * takes over at once. Resolves when released.
 */
export async function runLeaderElection(
  options: LeaderElectionOptions,
  listener: LeadershipListener,
  signal: AbortSignal,
): Promise<void> {
  const { api, namespace, name, identity, timings, log } = options;
  const now = options.now ?? Date.now;
  const lease = `${namespace}/${name}`;
  let observation: Observation | undefined;
  let current: V1Lease | undefined;
  let leading = false;
  let lastRenewMs = 0;

  // One request may not outlast half the renew deadline (client-go's rule of thumb), so a hung
  // connection cannot keep a leader from noticing that it should step down.
  const requestTimeoutMs = Math.max(1000, timings.renewDeadlineMs / 2);
  const bounded = <T>(call: Promise<T>): Promise<T> =>
    Promise.race([
      call,
      sleep(requestTimeoutMs, undefined, { ref: false }).then(() => {
        throw new Error(`no answer within ${requestTimeoutMs} ms`);
      }),
    ]);

  const attempt = async (): Promise<Attempt> => {
    try {
      current = await bounded(api.readNamespacedLease({ name, namespace }));
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) {
        log.error('reading the lease failed', { lease, err: error });
        return 'failed';
      }
      current = undefined;
    }
    const nowMs = now();
    if (current !== undefined) observation = observe(observation, recordOf(current), nowMs);
    const decision = decideLease({
      identity,
      leaseDurationMs: timings.leaseDurationMs,
      nowMs,
      current: current === undefined ? undefined : observation,
    });
    if (decision.kind === 'wait') return 'not-held';
    try {
      const body = leaseWith(current, namespace, name, decision.record);
      current =
        decision.kind === 'create'
          ? await bounded(api.createNamespacedLease({ namespace, body }))
          : await bounded(api.replaceNamespacedLease({ name, namespace, body }));
      observation = { record: recordOf(current), observedAtMs: nowMs };
      return 'held';
    } catch (error) {
      // 409: another replica wrote first (create or update); we lost this round.
      if (error instanceof ApiException && error.code === 409) return 'not-held';
      log.error('writing the lease failed', { lease, err: error });
      return 'failed';
    }
  };

  while (!signal.aborted) {
    const result = await attempt();
    const nowMs = now();
    if (result === 'held') {
      lastRenewMs = nowMs;
      if (!leading) {
        leading = true;
        log.info('became leader', { lease, identity });
        listener.onStartedLeading();
      }
    } else if (
      leading &&
      (result === 'not-held' || renewDeadlinePassed(lastRenewMs, nowMs, timings.renewDeadlineMs))
    ) {
      leading = false;
      log.info('stopped leading', { lease, identity, reason: result });
      listener.onStoppedLeading();
    }
    await sleep(timings.retryPeriodMs, undefined, { signal }).catch(() => undefined);
  }

  if (leading) {
    listener.onStoppedLeading();
    await release();
  }

  async function release(): Promise<void> {
    if (current === undefined) return;
    try {
      const body = leaseWith(current, namespace, name, releasedRecord(recordOf(current), now()));
      await bounded(api.replaceNamespacedLease({ name, namespace, body }));
      log.info('released the lease', { lease, identity });
    } catch (error) {
      // Others will take over when the lease expires instead.
      log.error('releasing the lease failed', { lease, err: error });
    }
  }
}

/** The leader-election fields of a Lease, with times as the MicroTime strings the server sent. */
function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: timeText(spec.acquireTime),
    renewTime: timeText(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/**
 * client-node declares MicroTime fields as V1MicroTime but hands back the server's string
 * unchanged; either shape becomes the same text here.
 */
function timeText(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : new V1MicroTime(value.getTime()).toISOString();
}

/**
 * The Lease to write: the one read (so its resourceVersion guards the update) with the new
 * record, or a new Lease.
 */
function leaseWith(
  base: V1Lease | undefined,
  namespace: string,
  name: string,
  record: LeaseRecord,
): V1Lease {
  const time = (text: string | undefined) =>
    text === undefined ? undefined : new V1MicroTime(text);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: base?.metadata ?? { name, namespace },
    spec: {
      ...base?.spec,
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: time(record.acquireTime),
      renewTime: time(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}
