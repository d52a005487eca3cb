import type { DelaySpec, FaultRule } from './fault-injection.js';
import { type FailureStatus, failureStatus } from './fault-status.js';
import { inAnyWindow, parseTimestamp, type TimeWindow } from './time-window.js';
import { type WatchFaultPlan, watchFaultPlan } from './watch-fault.js';

/** Why a fault did not fire (a metric label, and for `explain`-style tools). */
export type NoFaultReason = 'OutsideWindow' | 'CountReached' | 'NotDrawn';

/** What to do to one request. */
export type FaultDecision =
  | { readonly kind: 'none'; readonly reason: NoFaultReason }
  /** Hold the request (or, on the webhook front, the AdmissionReview) this long. */
  | { readonly kind: 'delay'; readonly delayMs: number }
  /** Answer with this Status instead of forwarding (or deny the AdmissionReview with it). */
  | { readonly kind: 'abort'; readonly status: FailureStatus }
  /** Forward the watch and cut it as planned. */
  | { readonly kind: 'watch'; readonly plan: WatchFaultPlan }
  /** Forward the list and hold its answer `delayFor(items)` milliseconds. */
  | { readonly kind: 'slowList'; readonly delayFor: (items: number) => number };

/** A fault rule ready to decide: windows parsed once. */
export interface FaultPlan {
  readonly rule: FaultRule;
  /** Names the fault in messages: `FaultInjection ops/chaos fault conflicts`. */
  readonly source: string;
  readonly windows?: readonly TimeWindow[] | undefined;
}

/** Compiles a validated fault rule; `source` names it in the messages clients see. */
export const compileFault = (rule: FaultRule, source: string): FaultPlan => {
  const time = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseTimestamp(text);
    // Programmer error: an unreadable bound would silently widen the window to forever.
    if (parsed === undefined) throw new TypeError(`${source}: invalid window time "${text}"`);
    return parsed;
  };
  return {
    rule,
    source,
    windows: rule.windows?.map((window) => ({ start: time(window.start), end: time(window.end) })),
  };
};

/** The delay of a delay spec: fixed, or drawn uniformly from `[min, max]` whole milliseconds. */
export const delayOf = (spec: DelaySpec, random: () => number): number => {
  if (spec.milliseconds !== undefined) return spec.milliseconds;
  const min = spec.minMilliseconds ?? 0;
  const max = spec.maxMilliseconds ?? min;
  return min + Math.floor(random() * (max - min + 1));
};

/** The hold of a slow list: fixed plus per item, at most `maxMilliseconds`. */
export const slowListDelay = (spec: NonNullable<FaultRule['slowList']>, items: number): number => {
  const delay = (spec.milliseconds ?? 0) + (spec.perItemMilliseconds ?? 0) * Math.max(0, items);
  return Math.round(
    spec.maxMilliseconds === undefined ? delay : Math.min(delay, spec.maxMilliseconds),
  );
};

/**
 * Decides whether a fault fires for one request and what it does. Outside its windows, or once
 * it fired `maxCount` times (`fired`, kept by the caller), it never fires and draws nothing;
 * otherwise it draws once and fires when the draw is below `probability`: with `random()` in
 * `[0, 1)`, 0 never fires and 1 always does (KusionStack's 0% still fired).
 */
export const decideFault = (
  plan: FaultPlan,
  input: { readonly now: number; readonly random: () => number; readonly fired: number },
): FaultDecision => {
  const { rule } = plan;
  if (!inAnyWindow(plan.windows, input.now)) return { kind: 'none', reason: 'OutsideWindow' };
  if (rule.maxCount !== undefined && input.fired >= rule.maxCount) {
    return { kind: 'none', reason: 'CountReached' };
  }
  if (!(input.random() < rule.probability)) return { kind: 'none', reason: 'NotDrawn' };
  const message = `injected by ${plan.source}`;
  if (rule.delay) return { kind: 'delay', delayMs: delayOf(rule.delay, input.random) };
  if (rule.abort) {
    return {
      kind: 'abort',
      status: failureStatus({
        code: rule.abort.code,
        reason: rule.abort.reason,
        message: rule.abort.message ?? message,
        retryAfterSeconds: rule.abort.retryAfterSeconds,
      }),
    };
  }
  if (rule.watch) return { kind: 'watch', plan: watchFaultPlan(rule.watch, input.now, message) };
  if (rule.slowList) {
    const spec = rule.slowList;
    return { kind: 'slowList', delayFor: (items) => slowListDelay(spec, items) };
  }
  const admission = rule.admission;
  if (admission?.delay) return { kind: 'delay', delayMs: delayOf(admission.delay, input.random) };
  if (admission?.deny) {
    return {
      kind: 'abort',
      status: failureStatus({ code: admission.deny.code, message: admission.deny.message }),
    };
  }
  throw new TypeError(`fault ${plan.source} has no action; validate it with parseFaultInjection`);
};

/** A fault with its count: the state a proxy keeps per fault. */
export interface FaultInjector {
  readonly plan: FaultPlan;
  /** How many times it fired. */
  readonly fired: () => number;
  /** Decides for one request and counts it when it fires. */
  readonly decide: (now: number, random: () => number) => FaultDecision;
}

/** Creates the counting state of one fault. */
export const createFaultInjector = (plan: FaultPlan): FaultInjector => {
  let fired = 0;
  return {
    plan,
    fired: () => fired,
    decide: (now, random) => {
      const decision = decideFault(plan, { now, random, fired });
      if (decision.kind !== 'none') fired += 1;
      return decision;
    },
  };
};
