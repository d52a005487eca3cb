import { z } from 'zod';

/**
 * The pod condition a proxy reports its policies' state in (decision 0006), beside
 * `ctrlmesh.io/RoutesApplied`: its message is {@link encodePolicyState}'s JSON.
 */
export const POLICY_STATE_CONDITION = 'ctrlmesh.io/TrafficPolicyState';

/** The version of the message's format; a reader ignores a message of another version. */
export const POLICY_STATE_VERSION = 1;

/** The largest message a proxy writes by default, in bytes of UTF-8. */
export const POLICY_STATE_MAX_BYTES = 8192;

/** The smallest bound {@link encodePolicyState} takes: room for an empty, truncated message. */
export const POLICY_STATE_MIN_BYTES = 64;

const count = z.int().min(0);

const ruleStateSchema = z.object({
  name: z.string(),
  /** A circuit breaker's state now. */
  breaker: z.enum(['Closed', 'Open', 'HalfOpen']).optional(),
  /** Requests the rule let through since the proxy started. */
  admitted: count.optional(),
  /** Requests the rule refused, by reason (`RateLimited`, `TooManyInFlight`, `CircuitOpen`). */
  rejected: z.record(z.string(), count).optional(),
  /** Faults injected, by kind (`delay`, `abort`, `watch`, `slowList`, `admission`). */
  injected: z.record(z.string(), count).optional(),
});

const policyStateSchema = z.object({
  kind: z.enum(['TrafficPolicy', 'FaultInjection']),
  name: z.string(),
  /** The policy's `metadata.generation` the proxy applies (0 when it had none). */
  generation: count,
  rules: z.array(ruleStateSchema),
});

const messageSchema = z.object({
  v: z.literal(POLICY_STATE_VERSION),
  policies: z.array(policyStateSchema),
  /** How many policies were left out to keep the message within its bound. */
  truncated: count.optional(),
});

/** One rule's state in a proxy. */
export type RuleState = z.output<typeof ruleStateSchema>;
/** One policy's state in a proxy: the policies of the proxy's own namespace, by kind and name. */
export type PolicyState = z.output<typeof policyStateSchema>;
/** What a proxy reports about every policy that applies to it. */
export type PolicyStateReport = z.output<typeof messageSchema>;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const sortedCounts = (
  counts: Readonly<Record<string, number>> | undefined,
): Record<string, number> | undefined => {
  if (counts === undefined) return undefined;
  const entries = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => byText(a, b));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
};

// Fixed key order, sorted lists and no zero counts: equal states give equal text, so that a
// proxy can skip a report that would change nothing.
const canonicalRule = (rule: RuleState): RuleState => {
  const rejected = sortedCounts(rule.rejected);
  const injected = sortedCounts(rule.injected);
  return {
    name: rule.name,
    ...(rule.breaker === undefined ? {} : { breaker: rule.breaker }),
    ...(rule.admitted === undefined || rule.admitted === 0 ? {} : { admitted: rule.admitted }),
    ...(rejected === undefined ? {} : { rejected }),
    ...(injected === undefined ? {} : { injected }),
  };
};

const canonicalPolicy = (policy: PolicyState): PolicyState => ({
  kind: policy.kind,
  name: policy.name,
  generation: policy.generation,
  rules: [...policy.rules].sort((a, b) => byText(a.name, b.name)).map(canonicalRule),
});

const policyOrder = (a: PolicyState, b: PolicyState): number =>
  byText(a.kind, b.kind) || byText(a.name, b.name);

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/**
 * The condition message for `policies`: compact JSON in a fixed order (policies by kind and name,
 * rules by name, zero counts left out), at most `maxBytes` bytes of UTF-8. When the whole would be
 * longer, policies are left out from the end and `truncated` says how many: a reader counts those
 * as not reported, never as wrong.
 */
export const encodePolicyState = (
  policies: readonly PolicyState[],
  maxBytes: number = POLICY_STATE_MAX_BYTES,
): string => {
  if (maxBytes < POLICY_STATE_MIN_BYTES)
    throw new RangeError(`a policy state message needs at least ${POLICY_STATE_MIN_BYTES} bytes`);
  const texts = [...policies]
    .sort(policyOrder)
    .map((policy) => JSON.stringify(canonicalPolicy(policy)));
  const whole = `{"v":${POLICY_STATE_VERSION},"policies":[${texts.join(',')}]}`;
  if (utf8Length(whole) <= maxBytes) return whole;
  // Room for the frame, the marker (its count has at most as many digits as the total) and commas.
  const frame = utf8Length(
    `{"v":${POLICY_STATE_VERSION},"policies":[],"truncated":${texts.length}}`,
  );
  let used = frame;
  let kept = 0;
  for (const text of texts) {
    const more = utf8Length(text) + (kept === 0 ? 0 : 1);
    if (used + more > maxBytes) break;
    used += more;
    kept += 1;
  }
  return `{"v":${POLICY_STATE_VERSION},"policies":[${texts.slice(0, kept).join(',')}],"truncated":${texts.length - kept}}`;
};

/**
 * Reads a condition message; undefined for anything that is not a message of this version (a
 * garbled or foreign text counts as no report, and never throws).
 */
export const decodePolicyState = (text: string | undefined): PolicyStateReport | undefined => {
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = messageSchema.safeParse(parsed);
  return result.success ? result.data : undefined;
};
