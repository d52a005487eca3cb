/** The leader-election fields of a coordination.k8s.io/v1 Lease. */
export interface LeaseRecord {
  /** Empty or undefined: nobody holds it (a released Lease). */
  readonly holderIdentity?: string | undefined;
  readonly leaseDurationSeconds?: number | undefined;
  /** MicroTime text, as the apiserver stores it. */
  readonly acquireTime?: string | undefined;
  readonly renewTime?: string | undefined;
  readonly leaseTransitions: number;
}

/** A record as read, with the resourceVersion that guards the next write. */
export interface StoredLease {
  readonly record: LeaseRecord;
  readonly version: string;
}

/** Thrown by a {@link LeaseStore} write that lost to another writer (HTTP 409). */
export class LeaseConflict extends Error {
  constructor(message = 'the Lease changed since it was read') {
    super(message);
    this.name = 'LeaseConflict';
  }
}

/**
 * Where the Lease lives: the apiserver in the manager, a map in tests. Writes are conditional:
 * `create` fails when the Lease exists and `update` when `version` is stale, with
 * {@link LeaseConflict}, so two candidates can never both win a round.
 */
export interface LeaseStore {
  /** The Lease, or undefined when there is none. */
  get(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<StoredLease>;
  update(record: LeaseRecord, version: string): Promise<StoredLease>;
}

/** Formats a time as the apiserver's MicroTime (six fractional digits, UTC). */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');
