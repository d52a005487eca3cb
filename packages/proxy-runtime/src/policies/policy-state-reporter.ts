import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import {
  encodePolicyState,
  POLICY_STATE_CONDITION,
  type PolicyState,
} from '@ctrlmesh/traffic-policy';
import { type OwnPodOptions, patchOwnPodCondition } from '../cluster/own-pod-condition.js';
import type { Runnable } from '../lifecycle/runnable.js';
import { faultInjected, logRecord, policyRejection } from '../observe/channels.js';
import {
  type BreakerStateName,
  collectPolicyState,
  type LabelCounts,
  type ReportPace,
  reportDueInMs,
} from './policy-state.js';
import type { PolicyStore } from './policy-store.js';

/** What {@link PolicyStateReporter} needs. */
export interface PolicyStateReporterOptions extends OwnPodOptions {
  readonly clock?: Clock | undefined;
  /** Counts alone are written at most this often (10 s by default). */
  readonly intervalMs?: number | undefined;
  /** How often the state is looked at: a breaker transition is written within this (1 s). */
  readonly minIntervalMs?: number | undefined;
  /** The bound of the condition's message (`POLICY_STATE_MAX_BYTES` by default). */
  readonly maxBytes?: number | undefined;
}

/** The wait before retry `attempt` (from 0): doubling from 1 s, at most 30 s. */
const backoffMs = (attempt: number): number => Math.min(30_000, 1_000 * 2 ** attempt);

const bump = (counts: Map<string, LabelCounts>, key: string, label: string): void => {
  const before = counts.get(key);
  counts.set(key, { ...before, [label]: (before?.[label] ?? 0) + 1 });
};

/**
 * Reports the state of the policies that apply to this proxy on its own pod, as the condition
 * `ctrlmesh.io/TrafficPolicyState` (decision 0006), for the manager to aggregate into each
 * policy's status: breaker states, requests admitted, rejections by reason and faults by kind,
 * and the generation of each policy applied. Rejections and faults are counted from the
 * instrumentation channels (published only when one happens), admissions from the store's
 * counters: nothing is added to a request's path. It looks every `minIntervalMs`, and writes when
 * the report changed: a breaker's state or a policy's generation soon, counts alone at most every
 * `intervalMs`; a failed write is retried with backoff. Cluster mode only, where the pod exists.
 */
export class PolicyStateReporter implements Runnable {
  readonly name = 'policy-state-reporter';
  readonly #store: PolicyStore;
  readonly #options: PolicyStateReporterOptions;
  readonly #rejected = new Map<string, LabelCounts>();
  readonly #injected = new Map<string, LabelCounts>();
  #written: { state: readonly PolicyState[]; text: string; at: number } | undefined;

  constructor(store: PolicyStore, options: PolicyStateReporterOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** The message last written on the pod (for tests and logs). */
  written(): string | undefined {
    return this.#written?.text;
  }

  async start(signal: AbortSignal): Promise<void> {
    const clock = this.#options.clock ?? systemClock;
    const pace: ReportPace = {
      intervalMs: this.#options.intervalMs ?? 10_000,
      minIntervalMs: this.#options.minIntervalMs ?? 1_000,
    };
    const unsubscribe = [
      policyRejection.subscribe((m) =>
        bump(this.#rejected, `TrafficPolicy/${m.policy}/${m.rule}`, m.reason),
      ),
      faultInjected.subscribe((m) =>
        bump(this.#injected, `FaultInjection/${m.policy}/${m.fault}`, m.kind),
      ),
    ];
    const since = clock.now();
    let attempt = 0;
    try {
      while (!signal.aborted) {
        const now = clock.now();
        const state = this.#collect(now);
        const next = { state, text: encodePolicyState(state, this.#options.maxBytes) };
        const dueIn = reportDueInMs(this.#written, next, now - (this.#written?.at ?? now), pace);
        if (dueIn === 0) {
          try {
            await patchOwnPodCondition(
              this.#options,
              {
                type: POLICY_STATE_CONDITION,
                status: 'True',
                reason: next.text.includes('"truncated":') ? 'Truncated' : 'Reported',
                message: next.text,
                lastTransitionTime: since,
              },
              signal,
            );
            this.#written = { ...next, at: now };
            attempt = 0;
          } catch (error) {
            if (signal.aborted) return;
            logRecord.publish({
              level: 'warn',
              msg: `writing the ${POLICY_STATE_CONDITION} condition failed; retrying`,
              pod: this.#options.podName,
              error: String(error),
            });
            await clock.sleep(backoffMs(attempt++), signal);
          }
          continue;
        }
        await clock.sleep(Math.min(pace.minIntervalMs, dueIn ?? pace.minIntervalMs), signal);
      }
    } finally {
      for (const release of unsubscribe) release();
    }
  }

  #collect(now: number): PolicyState[] {
    const active = this.#store.current();
    const breakers = new Map<string, BreakerStateName>();
    // Asking is what moves an open breaker whose time is up to half-open, as a request would.
    for (const [key, breaker] of active.breakers) breakers.set(key, breaker.state(now));
    const admitted = new Map<string, number>();
    for (const [key, { count }] of active.admitted) admitted.set(key, count);
    return collectPolicyState({
      applied: this.#store.applied(),
      namespace: this.#options.podNamespace,
      rules: [
        ...active.set.rateLimits.map((rule) => rule.key),
        ...active.set.circuitBreakers.map((rule) => rule.key),
        ...active.set.faults.map((rule) => rule.key),
      ],
      breakers,
      admitted,
      rejected: this.#rejected,
      injected: this.#injected,
    });
  }
}
