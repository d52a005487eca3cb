/**
 * The pure half of the sample's Lease leader election: given what the Lease says, when this
 * replica first saw that, and the time now, decide whether to create, renew, take over or wait.
 * It follows client-go's tryAcquireOrRenew: expiry is measured from when *this* replica observed
 * the current record, on its own clock, never from the renewTime written by another machine.
 */

/** The fields of a coordination.k8s.io/v1 LeaseSpec that leader election reads and writes. */
export interface LeaseRecord {
  holderIdentity: string | undefined;
  leaseDurationSeconds: number | undefined;
  /** RFC 3339 MicroTime strings, as the apiserver stores them. */
  acquireTime: string | undefined;
  renewTime: string | undefined;
  leaseTransitions: number;
}

/** A record and the local time at which it was first seen unchanged. */
export interface Observation {
  record: LeaseRecord;
  observedAtMs: number;
}

/** What to do with the Lease now. */
export type LeaseDecision =
  | { kind: 'create'; record: LeaseRecord }
  | { kind: 'update'; record: LeaseRecord; takeover: boolean }
  | { kind: 'wait'; holder: string; expiresAtMs: number };

/** Inputs of {@link decideLease}. */
export interface LeaseDecisionInput {
  identity: string;
  leaseDurationMs: number;
  nowMs: number;
  /** Undefined when the Lease does not exist. */
  current: Observation | undefined;
}

/** Formats a time as the apiserver's MicroTime (six fractional digits, UTC). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/**
 * Keeps the earlier observation while the record is unchanged, so a holder that stops renewing
 * expires leaseDurationSeconds after we last saw it renew.
 */
export function observe(
  previous: Observation | undefined,
  record: LeaseRecord,
  nowMs: number,
): Observation {
  const unchanged =
    previous !== undefined &&
    previous.record.holderIdentity === record.holderIdentity &&
    previous.record.renewTime === record.renewTime &&
    previous.record.leaseTransitions === record.leaseTransitions;
  return unchanged ? previous : { record, observedAtMs: nowMs };
}

/** Decides the next step of leader election; see the module comment. */
export function decideLease(input: LeaseDecisionInput): LeaseDecision {
  const { identity, leaseDurationMs, nowMs, current } = input;
  const now = microTime(nowMs);
  const leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
  if (current === undefined) {
    return {
      kind: 'create',
      record: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
  const { record, observedAtMs } = current;
  const holder = record.holderIdentity ?? '';
  if (holder === identity) {
    return {
      kind: 'update',
      takeover: false,
      record: { ...record, leaseDurationSeconds, renewTime: now },
    };
  }
  // An empty holder is a released Lease: free at once, as client-go treats it.
  const expiresAtMs = observedAtMs + (record.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
  if (holder !== '' && nowMs < expiresAtMs) {
    return { kind: 'wait', holder, expiresAtMs };
  }
  return {
    kind: 'update',
    takeover: true,
    record: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: record.leaseTransitions + 1,
    },
  };
}

/**
 * The record a leader writes when it stops on purpose: no holder and a one-second duration, so
 * the next candidate takes over without waiting for the old lease to run out.
 */
export function releasedRecord(record: LeaseRecord, nowMs: number): LeaseRecord {
  const now = microTime(nowMs);
  return {
    ...record,
    holderIdentity: undefined,
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
  };
}

/**
 * A leader that could not renew for renewDeadline steps down, which is before any other replica
 * may take over (renewDeadline < leaseDuration), so two leaders never overlap.
 */
export function renewDeadlinePassed(
  lastRenewMs: number,
  nowMs: number,
  renewDeadlineMs: number,
): boolean {
  return nowMs - lastRenewMs >= renewDeadlineMs;
}
