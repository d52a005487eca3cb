import type { Clock } from '@ctrlmesh/runtime-support';
import type { Logger } from '../observe/log.js';
import { LeaseConflict, type LeaseRecord, type LeaseStore, microTime } from './lease-store.js';

/** Leader-election timings, as client-go names them. */
export interface LeaseTimings {
  /** How long a Lease that is not renewed stays held (others wait this long). */
  readonly leaseDurationMs: number;
  /** A leader that could not renew for this long steps down; less than the lease duration. */
  readonly renewDeadlineMs: number;
  /** How often candidates try and leaders renew. */
  readonly retryPeriodMs: number;
}

/** What a {@link LeaderElector} needs. */
export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  readonly identity: string;
  readonly timings: LeaseTimings;
  readonly clock: Clock;
  readonly log: Logger;
  /** Told when this replica starts leading (it may write from now on). */
  readonly onStartedLeading: () => void;
  /** Told when it stops: before another replica may take over. */
  readonly onStoppedLeading: () => void;
}

/** A Lease candidate: {@link LeaderElector.run} competes until its signal aborts. */
export interface LeaderElector {
  /** True while this replica holds the Lease. */
  isLeader(): boolean;
  /** Competes and renews until `signal` aborts; then a leader releases the Lease. */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Leader election on a coordination.k8s.io Lease, our own (client-node has none). Every retry
 * period a candidate reads the Lease and, with a conditional write, creates it, renews it, or
 * takes it over once it has seen the same record unrenewed for the lease duration on its own
 * clock (never trusting another machine's renewTime). A leader that cannot renew for the renew
 * deadline steps down, which is before anyone may take over (renewDeadline < leaseDuration), so
 * two leaders never write at once. On stop, a leader releases the Lease (no holder, one second),
 * so the next candidate takes over at once.
 */
export const createLeaderElector = (options: LeaderElectorOptions): LeaderElector => {
  const { store, identity, timings, clock, log } = options;
  const durationSeconds = Math.max(1, Math.ceil(timings.leaseDurationMs / 1000));
  let leading = false;
  let lastRenew = 0;
  let seen: { record: LeaseRecord; at: number } | undefined;
  let version: string | undefined;
  let held: LeaseRecord | undefined;

  const observe = (record: LeaseRecord, now: number) => {
    const same =
      seen !== undefined &&
      seen.record.holderIdentity === record.holderIdentity &&
      seen.record.renewTime === record.renewTime &&
      seen.record.leaseTransitions === record.leaseTransitions;
    if (!same) seen = { record, at: now };
  };

  const start = () => {
    if (leading) return;
    leading = true;
    log.info('started leading', { identity });
    options.onStartedLeading();
  };
  const stop = (reason: string) => {
    if (!leading) return;
    leading = false;
    log.info('stopped leading', { identity, reason });
    options.onStoppedLeading();
  };

  /** One round: true when we hold the Lease after it. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const current = await store.get();
    const now = clock.now();
    const stamp = microTime(now);
    if (current === undefined) {
      const created = await store.create({
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: 0,
      });
      [version, held] = [created.version, created.record];
      observe(created.record, now);
      return true;
    }
    observe(current.record, now);
    const holder = current.record.holderIdentity ?? '';
    let record: LeaseRecord;
    if (holder === identity) {
      record = { ...current.record, leaseDurationSeconds: durationSeconds, renewTime: stamp };
    } else {
      const seconds = current.record.leaseDurationSeconds ?? durationSeconds;
      if (holder !== '' && now < (seen?.at ?? now) + seconds * 1000) return false;
      record = {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: current.record.leaseTransitions + 1,
      };
      log.info('taking over the lease', { identity, from: holder || '(released)' });
    }
    const written = await store.update(record, current.version);
    [version, held] = [written.version, written.record];
    observe(written.record, now);
    return true;
  };

  const release = async () => {
    if (held === undefined || version === undefined) return;
    const stamp = microTime(clock.now());
    try {
      await bounded(
        store.update(
          { ...held, holderIdentity: '', leaseDurationSeconds: 1, renewTime: stamp },
          version,
        ),
      );
      log.info('released the lease', { identity });
    } catch (error) {
      log.warn('could not release the lease; others take over when it expires', { err: error });
    }
  };

  // A round may not outlast half the renew deadline (client-go's rule of thumb): a hung
  // connection must not keep a leader from noticing that it has to step down.
  const roundTimeoutMs = Math.max(1, Math.floor(timings.renewDeadlineMs / 2));
  const bounded = <T>(round: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const cancel = clock.after(roundTimeoutMs, () =>
        reject(new Error(`no answer within ${roundTimeoutMs} ms`)),
      );
      round.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          cancel();
          reject(error);
        },
      );
    });

  return {
    isLeader: () => leading,
    async run(signal) {
      while (!signal.aborted) {
        let holds = false;
        let failed = false;
        try {
          holds = await bounded(tryAcquireOrRenew());
        } catch (error) {
          failed = !(error instanceof LeaseConflict);
          if (failed) log.warn('lease round failed', { identity, err: error });
        }
        const now = clock.now();
        if (holds) {
          lastRenew = now;
          start();
        } else if (leading) {
          // Another holder is certain (a conflict or someone else's record): step down now. A
          // failed request may be the network: keep leading until the renew deadline.
          if (!failed) stop('another replica holds the lease');
          else if (now - lastRenew >= timings.renewDeadlineMs) stop('renew deadline passed');
        }
        if (!leading) held = undefined;
        await clock.sleep(timings.retryPeriodMs, signal);
      }
      if (leading) {
        stop('stopping');
        await release();
      }
    },
  };
};
