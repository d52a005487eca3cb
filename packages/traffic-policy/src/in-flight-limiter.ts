/** A cap on requests in flight at once. */
export interface InFlightLimiter {
  readonly max: number;
  /** Requests holding a slot now. */
  readonly inFlight: () => number;
  /** Whether a slot is free, without taking it. */
  readonly hasRoom: () => boolean;
  /** Takes a slot; undefined when none is free. `release` is idempotent. */
  readonly tryAcquire: () => { readonly release: () => void } | undefined;
}

/**
 * Creates an in-flight cap. The proxy releases a watch's slot once the watch is open (its
 * response headers arrived), not when it ends: a long-running request counts only while it
 * opens, else a controller's watches would hold every slot forever.
 */
export const createInFlightLimiter = (max: number): InFlightLimiter => {
  if (!Number.isInteger(max) || max < 1) throw new TypeError(`invalid maxInFlight ${max}`);
  let inFlight = 0;
  return {
    max,
    inFlight: () => inFlight,
    hasRoom: () => inFlight < max,
    tryAcquire: () => {
      if (inFlight >= max) return undefined;
      inFlight += 1;
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          inFlight -= 1;
        },
      };
    },
  };
};
