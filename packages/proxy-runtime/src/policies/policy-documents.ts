import type { ParseResult, Problem } from '@ctrlmesh/route-engine';
import {
  type FaultInjection,
  parseFaultInjection,
  parseTrafficPolicy,
  type TrafficPolicy,
} from '@ctrlmesh/traffic-policy';
import { parseAllDocuments } from 'yaml';

/** The policies one source holds: what `compilePolicySet` takes. */
export interface PolicyDocuments {
  readonly trafficPolicies: readonly TrafficPolicy[];
  readonly faultInjections: readonly FaultInjection[];
}

/** No policies at all. */
export const NO_POLICY_DOCUMENTS: PolicyDocuments = Object.freeze({
  trafficPolicies: Object.freeze([]),
  faultInjections: Object.freeze([]),
});

const kindOf = (document: unknown): unknown =>
  typeof document === 'object' && document !== null
    ? (document as { kind?: unknown }).kind
    : undefined;

/**
 * Validates parsed documents, each a `TrafficPolicy` or a `FaultInjection` (a `List` of them is
 * read item by item, as `kubectl get -o yaml` writes it). Every problem of every document comes
 * back at once, its path prefixed with the document's place (`[1].spec.rateLimits[0].qps`): a
 * source is taken whole or not at all, so that half a policy set never applies.
 */
export const validatePolicyDocuments = (
  documents: readonly unknown[],
): ParseResult<PolicyDocuments> => {
  const trafficPolicies: TrafficPolicy[] = [];
  const faultInjections: FaultInjection[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const visit = (document: unknown, where: string): void => {
    if (document === null || document === undefined) return;
    const kind = kindOf(document);
    if (kind === 'List') {
      const items = (document as { items?: unknown }).items;
      if (!Array.isArray(items)) problems.push({ path: `${where}.items`, message: 'not a list' });
      else for (const [i, item] of items.entries()) visit(item, `${where}.items[${i}]`);
      return;
    }
    const result =
      kind === 'TrafficPolicy'
        ? parseTrafficPolicy(document)
        : kind === 'FaultInjection'
          ? parseFaultInjection(document)
          : undefined;
    if (result === undefined) {
      problems.push({
        path: `${where}.kind`,
        message: `expected TrafficPolicy or FaultInjection, got ${JSON.stringify(kind)}`,
      });
      return;
    }
    if (!result.ok) {
      for (const problem of result.problems)
        problems.push({ path: `${where}.${problem.path}`, message: problem.message });
      return;
    }
    const { metadata } = result.value;
    const name = `${kind}/${metadata?.namespace ?? 'default'}/${metadata?.name ?? ''}`;
    // Rule keys name state and metrics: two policies of one name would share them.
    if (seen.has(name)) problems.push({ path: where, message: `${name} is defined twice` });
    seen.add(name);
    if (result.value.kind === 'TrafficPolicy') trafficPolicies.push(result.value);
    else faultInjections.push(result.value as FaultInjection);
  };
  for (const [i, document] of documents.entries()) visit(document, `[${i}]`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { trafficPolicies, faultInjections } };
};

/** Parses a YAML (or JSON) text of one or more documents (`---`) into policies; see above. */
export const parsePolicyDocuments = (text: string): ParseResult<PolicyDocuments> => {
  const parsed = parseAllDocuments(text);
  const documents = Array.isArray(parsed) ? parsed : [parsed];
  const problems: Problem[] = [];
  documents.forEach((document, i) => {
    for (const error of document.errors) problems.push({ path: `[${i}]`, message: error.message });
  });
  if (problems.length > 0) return { ok: false, problems };
  return validatePolicyDocuments(documents.map((document) => document.toJS()));
};
