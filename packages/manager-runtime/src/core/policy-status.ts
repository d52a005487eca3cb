import type { Problem } from '@ctrlmesh/route-engine';
import {
  decodePolicyState,
  type FaultInjection,
  type FaultInjectionStatus,
  type PolicyState,
  parseFaultInjection,
  parseTrafficPolicy,
  type TrafficPolicy,
  type TrafficPolicyStatus,
} from '@ctrlmesh/traffic-policy';
import { type Condition, conditionsFor, type WantedCondition } from './conditions.js';
import { isLivePod, type PolicyTargetApp, policyPods } from './policy-pods.js';
import type { PodView } from './views.js';

/** The two kinds of traffic policy. */
export type PolicyKind = 'TrafficPolicy' | 'FaultInjection';

/** A TrafficPolicy or FaultInjection as the core reads it. */
export interface PolicyView {
  readonly kind: PolicyKind;
  readonly name: string;
  readonly namespace: string;
  readonly generation: number;
  /** The object as stored, status left out: validated here as the proxies validate it. */
  readonly object: unknown;
  /** The conditions written last, whose transition times are kept. */
  readonly conditions?: readonly Condition[] | undefined;
}

/** The status the manager writes on either kind (decision 0006). */
export type PolicyStatus = TrafficPolicyStatus | FaultInjectionStatus;

/** One selected pod and what it says of this policy: undefined when nothing (or nothing readable). */
export interface PodPolicyReport {
  readonly pod: string;
  readonly state: PolicyState | undefined;
}

/** The rules a status lists, by name, as the spec orders them. */
export interface PolicyRules {
  readonly rateLimits: readonly string[];
  readonly circuitBreakers: readonly string[];
  readonly faults: readonly { readonly name: string; readonly kind?: string | undefined }[];
}

const REASON_FIELD: Record<string, 'rateLimited' | 'tooManyInFlight' | 'circuitOpen'> = {
  RateLimited: 'rateLimited',
  TooManyInFlight: 'tooManyInFlight',
  CircuitOpen: 'circuitOpen',
};

const sum = (counts: Readonly<Record<string, number>> | undefined): number =>
  Object.values(counts ?? {}).reduce((total, n) => total + n, 0);

/** Pod names in a message: the first ten, then how many more. */
const namesText = (names: readonly string[]): string =>
  names.length <= 10
    ? names.join(', ')
    : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;

/** What a pod's condition message says of the policy `kind/name`; undefined for anything unreadable. */
export const reportedState = (
  message: string | undefined,
  kind: PolicyKind,
  name: string,
): PolicyState | undefined =>
  decodePolicyState(message)?.policies.find(
    (policy) => policy.kind === kind && policy.name === name,
  );

/**
 * Sums the reports of the selected pods into a policy's status: `podsSelected`, `podsReporting`
 * (pods that apply `generation`), `laggingPods` (the others: an older generation, or no readable
 * report), and per rule of `rules` the counts summed over every pod that reports the rule (at any
 * generation: it enforces it) and, for breakers, how many pods see it in each state. Conditions
 * are added by {@link reconcilePolicy}.
 */
export const aggregatePolicyReports = (
  kind: PolicyKind,
  generation: number,
  rules: PolicyRules,
  reports: readonly PodPolicyReport[],
): PolicyStatus => {
  const ordered = [...reports].sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
  const lagging = ordered.filter((r) => r.state?.generation !== generation).map((r) => r.pod);
  const pods = {
    observedGeneration: generation,
    podsSelected: ordered.length,
    podsReporting: ordered.length - lagging.length,
    ...(lagging.length === 0 ? {} : { laggingPods: lagging }),
  };
  const ruleStates = (name: string) =>
    ordered.flatMap((r) => r.state?.rules.filter((rule) => rule.name === name) ?? []);
  if (kind === 'FaultInjection') {
    return {
      ...pods,
      faults: rules.faults.map((fault) => ({
        name: fault.name,
        ...(fault.kind === undefined ? {} : { kind: fault.kind }),
        injected: ruleStates(fault.name).reduce((total, rule) => total + sum(rule.injected), 0),
      })),
    };
  }
  const counted = (name: string) => {
    const states = ruleStates(name);
    const rejectedBy: Record<string, number> = {};
    for (const rule of states)
      for (const [reason, n] of Object.entries(rule.rejected ?? {})) {
        const field = REASON_FIELD[reason];
        if (field !== undefined) rejectedBy[field] = (rejectedBy[field] ?? 0) + n;
      }
    const rejected = sum(rejectedBy);
    return {
      states,
      counts: {
        admitted: states.reduce((total, rule) => total + (rule.admitted ?? 0), 0),
        rejected,
        ...(rejected === 0
          ? {}
          : { rejectedBy: Object.fromEntries(Object.entries(rejectedBy).sort()) }),
      },
    };
  };
  return {
    ...pods,
    rateLimits: rules.rateLimits.map((name) => ({ name, ...counted(name).counts })),
    circuitBreakers: rules.circuitBreakers.map((name) => {
      const { states, counts } = counted(name);
      const inState = (state: string) => states.filter((rule) => rule.breaker === state).length;
      return {
        name,
        closedPods: inState('Closed'),
        openPods: inState('Open'),
        halfOpenPods: inState('HalfOpen'),
        ...counts,
      };
    }),
  };
};

const faultKind = (fault: FaultInjection['spec']['faults'][number]): string =>
  (['delay', 'abort', 'watch', 'slowList', 'admission'] as const).find(
    (kind) => fault[kind] !== undefined,
  ) ?? 'unknown';

const rulesOfSpec = (policy: TrafficPolicy | FaultInjection): PolicyRules =>
  policy.kind === 'TrafficPolicy'
    ? {
        rateLimits: (policy.spec.rateLimits ?? []).map((rule) => rule.name),
        circuitBreakers: (policy.spec.circuitBreakers ?? []).map((rule) => rule.name),
        faults: [],
      }
    : {
        rateLimits: [],
        circuitBreakers: [],
        faults: (policy as FaultInjection).spec.faults.map((f) => ({
          name: f.name,
          kind: faultKind(f),
        })),
      };

// An invalid spec: the pods keep their last good version; list the rules they report.
const rulesOfReports = (reports: readonly PodPolicyReport[]): PolicyRules => {
  const names = (breakers: boolean) =>
    [
      ...new Set(
        reports
          .flatMap(
            (r) => r.state?.rules.filter((rule) => (rule.breaker !== undefined) === breakers) ?? [],
          )
          .map((rule) => rule.name),
      ),
    ].sort();
  return {
    rateLimits: names(false),
    circuitBreakers: names(true),
    faults: names(false).map((name) => ({ name })),
  };
};

const problemsText = (problems: readonly Problem[]): string =>
  problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');

const acceptedCondition = (
  kind: PolicyKind,
  generation: number,
  problems: readonly Problem[] | undefined,
): WantedCondition =>
  problems === undefined
    ? {
        type: 'Accepted',
        status: 'True',
        reason: 'Valid',
        message: `generation ${generation} is valid`,
      }
    : {
        type: 'Accepted',
        status: 'False',
        reason: 'InvalidSpec',
        message: `generation ${generation} is not applied (the proxies keep the last valid ${kind}): ${problemsText(problems)}`,
      };

const appliedCondition = (
  status: PolicyStatus,
  reports: readonly PodPolicyReport[],
  valid: boolean,
): WantedCondition => {
  const generation = status.observedGeneration ?? 0;
  const selected = status.podsSelected ?? 0;
  if (!valid)
    return {
      type: 'Applied',
      status: 'False',
      reason: 'NotAccepted',
      message: `generation ${generation} is invalid (see condition Accepted); ${selected} live pods apply an older one`,
    };
  if (selected === 0)
    return {
      type: 'Applied',
      status: 'True',
      reason: 'NoPods',
      message: 'no live pod of a VirtualApp this policy targets',
    };
  const lagging = status.laggingPods ?? [];
  if (lagging.length === 0)
    return {
      type: 'Applied',
      status: 'True',
      reason: 'AllPodsReport',
      message: `all ${selected} live pods apply generation ${generation}`,
    };
  const older = reports.filter((r) => r.state !== undefined && r.state.generation !== generation);
  const silent = reports.filter((r) => r.state === undefined).map((r) => r.pod);
  const parts = [
    ...(older.length === 0
      ? []
      : [
          `${namesText(older.map((r) => `${r.pod} (generation ${r.state?.generation})`))} ${older.length === 1 ? 'applies' : 'apply'} an older generation`,
        ]),
    ...(silent.length === 0
      ? []
      : [`${namesText(silent)} ${silent.length === 1 ? 'reports' : 'report'} nothing for it yet`]),
  ];
  return {
    type: 'Applied',
    status: 'False',
    reason: 'PodsLagging',
    message: `${status.podsReporting} of ${selected} live pods apply generation ${generation}; ${parts.join('; ')}`,
  };
};

/**
 * Decides the status of one TrafficPolicy or FaultInjection (decision 0006): validates it as the
 * proxies do, finds the live pods it applies to (an invalid one: the pods that still report it),
 * reads what each pod's `ctrlmesh.io/TrafficPolicyState` says of it (a missing or garbled report
 * counts as none), sums them, and sets the conditions `Accepted` (the spec is valid) and `Applied`
 * (every selected live pod applies the current generation; otherwise the lagging pods by name).
 */
export const reconcilePolicy = (
  policy: PolicyView,
  apps: readonly PolicyTargetApp[],
  pods: readonly PodView[],
  now: number,
): PolicyStatus => {
  const parsed =
    policy.kind === 'TrafficPolicy'
      ? parseTrafficPolicy(policy.object)
      : parseFaultInjection(policy.object);
  const reportOf = (pod: PodView): PodPolicyReport => ({
    pod: pod.name,
    state: reportedState(pod.policyState, policy.kind, policy.name),
  });
  const reports = parsed.ok
    ? policyPods(parsed.value, apps, pods).map(reportOf)
    : pods
        .filter(isLivePod)
        .map(reportOf)
        .filter((report) => report.state !== undefined);
  const rules = parsed.ok ? rulesOfSpec(parsed.value) : rulesOfReports(reports);
  const status = aggregatePolicyReports(policy.kind, policy.generation, rules, reports);
  return {
    ...status,
    conditions: conditionsFor(
      policy.conditions,
      [
        acceptedCondition(policy.kind, policy.generation, parsed.ok ? undefined : parsed.problems),
        appliedCondition(status, reports, parsed.ok),
      ],
      policy.generation,
      now,
    ),
  };
};
