/** Counts of outcomes over a sliding window of time. */
export interface OutcomeWindow {
  /** Records one outcome at `now`. */
  readonly record: (now: number, failure: boolean) => void;
  /** Requests and failures recorded in the window ending at `now`. */
  readonly counts: (now: number) => { readonly total: number; readonly failures: number };
  /** Forgets everything (a breaker that closes starts afresh). */
  readonly reset: () => void;
}

// Ten buckets: memory stays fixed however many requests pass, and the window slides in steps of
// a tenth of its length (an outcome counts for between 90% and 100% of the window).
const BUCKETS = 10;

/** Creates a sliding window of `windowMs` milliseconds, kept in ten buckets. */
export const createOutcomeWindow = (windowMs: number): OutcomeWindow => {
  const bucketMs = windowMs / BUCKETS;
  const ids = new Array<number>(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  const totals = new Array<number>(BUCKETS).fill(0);
  const failures = new Array<number>(BUCKETS).fill(0);
  const bucketOf = (now: number): number => Math.floor(now / bucketMs);
  const slot = (id: number): number => ((id % BUCKETS) + BUCKETS) % BUCKETS;
  return {
    record: (now, failure) => {
      const id = bucketOf(now);
      const index = slot(id);
      if (ids[index] !== id) {
        // A clock that steps back lands in a bucket that was already reused: count it in the
        // newest one rather than resurrect an old one.
        if (ids[index]! > id) return;
        ids[index] = id;
        totals[index] = 0;
        failures[index] = 0;
      }
      totals[index]! += 1;
      if (failure) failures[index]! += 1;
    },
    counts: (now) => {
      const newest = bucketOf(now);
      let total = 0;
      let failed = 0;
      for (let index = 0; index < BUCKETS; index += 1) {
        const id = ids[index]!;
        if (id > newest - BUCKETS && id <= newest) {
          total += totals[index]!;
          failed += failures[index]!;
        }
      }
      return { total, failures: failed };
    },
    reset: () => {
      ids.fill(Number.NEGATIVE_INFINITY);
      totals.fill(0);
      failures.fill(0);
    },
  };
};
