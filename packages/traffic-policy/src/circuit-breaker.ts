import { failureClassifier, type RequestOutcome } from './failure-codes.js';
import { createOutcomeWindow } from './outcome-window.js';
import {
  type BreakerMode,
  type CircuitBreakerRule,
  DEFAULT_FAILURE_CODES,
} from './traffic-policy.js';

/** The state of a breaker. */
export type BreakerState = 'Closed' | 'Open' | 'HalfOpen';

/** Why a breaker changed state (a metric label). */
export type TransitionReason =
  | 'ErrorRate'
  | 'ConsecutiveFailures'
  | 'OpenElapsed'
  | 'ProbesSucceeded'
  | 'ProbeFailed';

/** One change of state, for metrics and status. */
export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: TransitionReason;
  readonly at: number;
}

/** A breaker's settings in the units it works in. */
export interface BreakerConfig {
  readonly mode: BreakerMode;
  readonly errorRate?:
    | { readonly percent: number; readonly windowMs: number; readonly minimumRequests: number }
    | undefined;
  readonly consecutiveFailures?: number | undefined;
  readonly failureCodes: readonly string[];
  readonly openMs: number;
  readonly halfOpenProbes: number;
}

/** An admitted request: report how it ended, or cancel it if it ended without an answer that counts. */
export interface BreakerPermit {
  readonly admitted: true;
  /** True for a half-open probe. */
  readonly probe: boolean;
  /** Records the outcome; only the first report or cancel of a permit counts. */
  readonly report: (outcome: RequestOutcome, now: number) => void;
  /** Gives a probe's slot back (the client went away); counts as nothing. */
  readonly cancel: () => void;
}

/** The answer of {@link CircuitBreaker.tryAcquire}. */
export type BreakerAdmission =
  | BreakerPermit
  | { readonly admitted: false; readonly state: BreakerState; readonly retryAfterSeconds: number };

/** A circuit breaker: closed, open and half-open, with bounded probes. */
export interface CircuitBreaker {
  readonly config: BreakerConfig;
  /** The state at `now` (an open breaker whose time is up reads, and becomes, half-open). */
  readonly state: (now: number) => BreakerState;
  /** Admits a request, or refuses it while open or when the half-open probes are taken. */
  readonly tryAcquire: (now: number) => BreakerAdmission;
}

/** A rule's settings in milliseconds, with the default failure codes. */
export const breakerConfigFor = (rule: CircuitBreakerRule): BreakerConfig => ({
  mode: rule.mode,
  errorRate: rule.errorRate && {
    percent: rule.errorRate.percent,
    windowMs: rule.errorRate.windowSeconds * 1000,
    minimumRequests: rule.errorRate.minimumRequests,
  },
  consecutiveFailures: rule.consecutiveFailures,
  failureCodes: rule.failureCodes ?? DEFAULT_FAILURE_CODES,
  openMs: rule.openSeconds * 1000,
  halfOpenProbes: rule.halfOpenProbes,
});

const IGNORE_REPORT = (): void => {};
const secondsUntil = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Creates a breaker. Outcomes of requests admitted before the last change of state are ignored:
 * a slow request sent while closed must not close or reopen a half-open breaker. KusionStack's
 * breaker had no half-open state and no error rate; the original's panicked without a rule
 * (here a request that matches no breaker rule simply has no breaker).
 */
export const createCircuitBreaker = (
  config: BreakerConfig,
  options: { readonly onTransition?: (transition: BreakerTransition) => void } = {},
): CircuitBreaker => {
  const isFailure = failureClassifier(config.failureCodes);
  const window = config.errorRate && createOutcomeWindow(config.errorRate.windowMs);
  let state: BreakerState = 'Closed';
  let epoch = 0;
  let openedAt = 0;
  let consecutive = 0;
  let probesOut = 0;
  let probesSucceeded = 0;

  const moveTo = (to: BreakerState, reason: TransitionReason, now: number): void => {
    const from = state;
    state = to;
    epoch += 1;
    probesOut = 0;
    probesSucceeded = 0;
    consecutive = 0;
    window?.reset();
    if (to === 'Open') openedAt = now;
    options.onTransition?.({ from, to, reason, at: now });
  };

  const advance = (now: number): BreakerState => {
    if (state === 'Open' && now - openedAt >= config.openMs) moveTo('HalfOpen', 'OpenElapsed', now);
    return state;
  };

  const tripReason = (now: number): TransitionReason | undefined => {
    if (config.consecutiveFailures !== undefined && consecutive >= config.consecutiveFailures) {
      return 'ConsecutiveFailures';
    }
    if (window && config.errorRate) {
      const { total, failures } = window.counts(now);
      if (
        total >= config.errorRate.minimumRequests &&
        failures * 100 >= config.errorRate.percent * total
      ) {
        return 'ErrorRate';
      }
    }
    return undefined;
  };

  const onOutcome = (failure: boolean, probe: boolean, now: number): void => {
    if (probe) {
      probesOut -= 1;
      if (failure) moveTo('Open', 'ProbeFailed', now);
      else {
        probesSucceeded += 1;
        if (probesSucceeded >= config.halfOpenProbes) moveTo('Closed', 'ProbesSucceeded', now);
      }
      return;
    }
    window?.record(now, failure);
    consecutive = failure ? consecutive + 1 : 0;
    const reason = tripReason(now);
    if (reason !== undefined) moveTo('Open', reason, now);
  };

  const permit = (probe: boolean): BreakerPermit => {
    const issuedIn = epoch;
    let done = false;
    const settle = (): boolean => {
      if (done) return false;
      done = true;
      return issuedIn === epoch;
    };
    return {
      admitted: true,
      probe,
      report: (outcome, now) => {
        if (settle()) onOutcome(isFailure(outcome), probe, now);
      },
      cancel: () => {
        if (settle() && probe) probesOut -= 1;
      },
    };
  };

  const forced: BreakerPermit = {
    admitted: true,
    probe: false,
    report: IGNORE_REPORT,
    cancel: IGNORE_REPORT,
  };

  return {
    config,
    state: (now) => {
      if (config.mode === 'ForceOpen') return 'Open';
      if (config.mode === 'ForceClosed') return 'Closed';
      return advance(now);
    },
    tryAcquire: (now) => {
      if (config.mode === 'ForceClosed') return forced;
      if (config.mode === 'ForceOpen') {
        return { admitted: false, state: 'Open', retryAfterSeconds: secondsUntil(config.openMs) };
      }
      switch (advance(now)) {
        case 'Closed':
          return permit(false);
        case 'Open':
          return {
            admitted: false,
            state: 'Open',
            retryAfterSeconds: secondsUntil(openedAt + config.openMs - now),
          };
        case 'HalfOpen':
          if (probesOut + probesSucceeded >= config.halfOpenProbes) {
            return { admitted: false, state: 'HalfOpen', retryAfterSeconds: 1 };
          }
          probesOut += 1;
          return permit(true);
      }
    },
  };
};
