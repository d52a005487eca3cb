import type { ParseResult } from '@ctrlmesh/route-engine';
import { isFailureCode } from './failure-codes.js';
import { field, isNumber, isString, list, problemCollector, zodProblems } from './raw-input.js';
import { checkNamedRules, checkTargets } from './rule-problems.js';
import { type TrafficPolicy, TrafficPolicySchema } from './traffic-policy.js';

/**
 * Parses and validates a TrafficPolicy, returning the typed value (defaults applied) or every
 * problem at once, each with its path (`spec.rateLimits[0]: set qps or maxInFlight`).
 */
export const parseTrafficPolicy = (input: unknown): ParseResult<TrafficPolicy> => {
  const { problems, report } = problemCollector();
  const structural = TrafficPolicySchema.safeParse(input);
  if (!structural.success) problems.push(...zodProblems(structural.error));
  const spec = field(input, 'spec');
  checkTargets(spec, report);
  checkNamedRules(field(spec, 'rateLimits'), ['spec', 'rateLimits'], report, (rule, path) => {
    if (rule.qps === undefined && rule.maxInFlight === undefined) {
      report(path, 'set qps or maxInFlight: a rate limit without either limits nothing');
    }
    if (rule.qps === 0) report([...path, 'qps'], 'qps must be greater than 0');
    if (rule.burst !== undefined && rule.qps === undefined) {
      report([...path, 'burst'], 'burst needs qps');
    }
  });
  checkNamedRules(
    field(spec, 'circuitBreakers'),
    ['spec', 'circuitBreakers'],
    report,
    (rule, path) => {
      const mode = rule.mode ?? 'Auto';
      if (
        mode === 'Auto' &&
        rule.errorRate === undefined &&
        rule.consecutiveFailures === undefined
      ) {
        report(
          path,
          'set errorRate or consecutiveFailures: an Auto breaker without either never trips',
        );
      }
      const codes = field(rule, 'failureCodes');
      if (Array.isArray(codes) && codes.length === 0) {
        report(
          [...path, 'failureCodes'],
          'failureCodes must not be empty; leave it out for 5xx, 429 and transport',
        );
      }
      list(codes).forEach((code, index) => {
        if (isString(code) && !isFailureCode(code)) {
          report(
            [...path, 'failureCodes', index],
            `"${code}" is not a code (503), a class (5xx) or "transport"`,
          );
        }
      });
      const openSeconds = rule.openSeconds;
      if (isNumber(openSeconds) && openSeconds <= 0) {
        report([...path, 'openSeconds'], 'openSeconds must be greater than 0');
      }
    },
  );
  // A rule's name is its key for state, metrics and status (`TrafficPolicy/ns/policy/rule`): a rate
  // limit and a breaker of one name would count into one entry.
  const limitNames = new Map<unknown, number>();
  list(field(spec, 'rateLimits')).forEach((rule, index) => {
    if (!limitNames.has(field(rule, 'name'))) limitNames.set(field(rule, 'name'), index);
  });
  list(field(spec, 'circuitBreakers')).forEach((rule, index) => {
    const name = field(rule, 'name');
    const limit = isString(name) ? limitNames.get(name) : undefined;
    if (limit !== undefined) {
      report(
        ['spec', 'circuitBreakers', index, 'name'],
        `"${name}" is the name of rateLimits[${limit}] too: rule names are unique in a policy (they name its state, metrics and status)`,
      );
    }
  });
  if (problems.length > 0 || !structural.success) return { ok: false, problems };
  return { ok: true, value: structural.data };
};
