import type { WatchFaultPlan } from '@ctrlmesh/traffic-policy';

/** Names the fault behind a stream fault, for `faultInjected`. */
export interface FaultSource {
  /** `<namespace>/<FaultInjection>`. */
  readonly policy: string;
  /** The fault's name. */
  readonly fault: string;
}

/**
 * Faults the traffic-policy stage decided for a list or watch, acted on by the filter as the
 * answer streams (`stages/filter-response.ts`): where the events and items are counted.
 */
export interface StreamFaults {
  /** Cut this watch after some events or at a deadline (`createWatchCutter`). */
  readonly watch?: (FaultSource & { readonly plan: WatchFaultPlan }) | undefined;
  /** Hold the end of this list `delayFor(items shown)` milliseconds. */
  readonly slowList?: (FaultSource & { readonly delayFor: (items: number) => number }) | undefined;
}
