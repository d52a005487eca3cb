import type { z } from 'zod';
import { fromStructuredSelector, type LabelOperator, labelRequirement } from './label-selector.js';
import {
  dnsLabelProblem,
  dnsSubdomainProblem,
  labelKeyProblem,
  labelValueProblem,
} from './label-syntax.js';
import { compileNamespaceRegex } from './namespace-regex.js';
import { failure, formatPath, type ParseResult, type Problem, success } from './problem.js';
import { type ApiGroupResource, apiGroupResourceProblems } from './resource-pattern.js';
import { type MatchLimitSelector, type VirtualApp, VirtualAppSchema } from './virtual-app.js';

type Path = readonly (string | number)[];
type Report = (path: Path, message: string) => void;

// The semantic checks below walk the raw input with these guards rather than the zod output, so
// that a structural problem in one place does not hide semantic problems elsewhere: every
// problem is reported at once.
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, key: string): unknown =>
  isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isStringMap = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every(isString);

const checkSelector = (value: unknown, path: Path, report: Report): void => {
  const matchLabels = field(value, 'matchLabels');
  if (isStringMap(matchLabels)) {
    const result = fromStructuredSelector({ matchLabels });
    if (!result.ok) {
      for (const problem of result.problems) report([...path, problem.path], problem.message);
    }
  }
  list(field(value, 'matchExpressions')).forEach((expression, index) => {
    const key = field(expression, 'key');
    const operator = field(expression, 'operator');
    const values = field(expression, 'values') ?? [];
    if (
      !isString(key) ||
      !isStringList(values) ||
      !EXPRESSION_OPERATORS.includes(operator as never)
    ) {
      return;
    }
    const result = labelRequirement(key, operator as LabelOperator, values);
    if (!result.ok) {
      for (const problem of result.problems) {
        report([...path, 'matchExpressions', index, problem.path], problem.message);
      }
    }
  });
};

const checkResources = (value: unknown, path: Path, report: Report): void => {
  list(value).forEach((entry, index) => {
    const apiGroups = field(entry, 'apiGroups');
    const resources = field(entry, 'resources');
    if (!isStringList(apiGroups) || !isStringList(resources)) return;
    const groupResource: ApiGroupResource = { apiGroups, resources };
    for (const problem of apiGroupResourceProblems(groupResource)) {
      report([...path, index, problem.path], problem.message);
    }
  });
};

const EXPRESSION_OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const ENTRY_FIELDS: readonly (keyof MatchLimitSelector)[] = [
  'namespaceSelector',
  'namespaceRegex',
  'objectSelector',
  'resources',
];

const checkMatchEntry = (entry: unknown, path: Path, report: Report): void => {
  if (!isRecord(entry)) return;
  if (ENTRY_FIELDS.every((key) => entry[key] === undefined)) {
    report(path, `match entry sets none of ${ENTRY_FIELDS.join(', ')}; it would match everything`);
  }
  checkSelector(entry.namespaceSelector, [...path, 'namespaceSelector'], report);
  checkSelector(entry.objectSelector, [...path, 'objectSelector'], report);
  if (isString(entry.namespaceRegex)) {
    const compiled = compileNamespaceRegex(entry.namespaceRegex);
    if (!compiled.ok) report([...path, 'namespaceRegex'], compiled.problems[0]!.message);
  }
  if (Array.isArray(entry.resources) && entry.resources.length === 0) {
    // `[]` would apply to no resource: a global limit would fence nothing and a rule would never
    // match, while an absent list means every resource. Go clients drop empty lists on a round
    // trip, so the two must not differ: `[]` is refused (DESIGN §4.3, issue 9).
    report(
      [...path, 'resources'],
      'resources must not be empty; leave it out to match every resource',
    );
  }
  checkResources(entry.resources, [...path, 'resources'], report);
};

const checkSpecSelector = (spec: unknown, report: Report): void => {
  const selector = field(spec, 'selector');
  checkSelector(selector, ['spec', 'selector'], report);
  if (
    isRecord(selector) &&
    Object.keys(field(selector, 'matchLabels') ?? {}).length === 0 &&
    list(field(selector, 'matchExpressions')).length === 0
  ) {
    report(
      ['spec', 'selector'],
      'selector must not be empty: it would select every pod in the namespace',
    );
  }
};

const checkConfiguration = (configuration: unknown, report: Report): void => {
  const path = ['spec', 'configuration'];
  const name = field(field(configuration, 'controller'), 'leaderElectionName');
  if (isString(name)) {
    const problem = dnsSubdomainProblem(name);
    if (problem !== undefined) {
      report([...path, 'controller', 'leaderElectionName'], `leaderElectionName ${problem}`);
    }
  }
  const webhook = field(configuration, 'webhook');
  const certDir = field(webhook, 'certDir');
  if (certDir === '') report([...path, 'webhook', 'certDir'], 'certDir must not be empty');
  const port = field(webhook, 'port');
  if (typeof port === 'number' && (port < 1 || port > 65535)) {
    report([...path, 'webhook', 'port'], `port ${port} must be between 1 and 65535`);
  }
  const agent = field(field(configuration, 'restConfigOverrides'), 'userAgentOrPrefix');
  if (agent === '') {
    report(
      [...path, 'restConfigOverrides', 'userAgentOrPrefix'],
      'userAgentOrPrefix must not be empty',
    );
  }
};

const checkRoute = (route: unknown, report: Report): Map<string, number> => {
  const path = ['spec', 'route'];
  list(field(route, 'globalLimits')).forEach((entry, index) => {
    checkMatchEntry(entry, [...path, 'globalLimits', index], report);
  });
  const ruleIndex = new Map<string, number>();
  list(field(route, 'subRules')).forEach((rule, index) => {
    const rulePath = [...path, 'subRules', index];
    const name = field(rule, 'name');
    if (name === '') report([...rulePath, 'name'], 'sub-rule name must not be empty');
    else if (isString(name)) {
      if (ruleIndex.has(name)) {
        report(
          [...rulePath, 'name'],
          `duplicate sub-rule name "${name}" (first at subRules[${ruleIndex.get(name)}])`,
        );
      } else ruleIndex.set(name, index);
    }
    const match = field(rule, 'match');
    if (Array.isArray(match) && match.length === 0) {
      report([...rulePath, 'match'], 'match must have at least one entry');
    }
    list(match).forEach((entry, entryIndex) => {
      checkMatchEntry(entry, [...rulePath, 'match', entryIndex], report);
    });
  });
  checkResources(field(route, 'subsetPublicResources'), [...path, 'subsetPublicResources'], report);
  list(field(route, 'subsetDefaultOnlyUserAgents')).forEach((agent, index) => {
    if (agent === '')
      report([...path, 'subsetDefaultOnlyUserAgents', index], 'user agent must not be empty');
  });
  return ruleIndex;
};

const checkSubsetLabels = (labels: unknown, path: Path, report: Report): void => {
  if (!isStringMap(labels)) return;
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    report(path, 'labels must not be empty: every pod would belong to this subset');
  }
  for (const [key, value] of entries) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem !== undefined) report([...path, key], problem);
  }
};

const checkSubsets = (
  subsets: unknown,
  rules: ReadonlyMap<string, number>,
  report: Report,
): void => {
  const names = new Map<string, number>();
  const ruleOwners = new Map<string, string>();
  list(subsets).forEach((subset, index) => {
    const path = ['spec', 'subsets', index];
    const name = field(subset, 'name');
    if (isString(name)) {
      const problem = dnsLabelProblem(name);
      if (problem !== undefined) report([...path, 'name'], `subset name ${problem}`);
      else if (names.has(name)) {
        report(
          [...path, 'name'],
          `duplicate subset name "${name}" (first at subsets[${names.get(name)}])`,
        );
      } else names.set(name, index);
    }
    checkSubsetLabels(field(subset, 'labels'), [...path, 'labels'], report);
    const seen = new Set<string>();
    list(field(subset, 'routeRules')).forEach((rule, ruleIndex) => {
      if (!isString(rule)) return;
      const rulePath = [...path, 'routeRules', ruleIndex];
      if (!rules.has(rule)) report(rulePath, `unknown sub-rule "${rule}"`);
      else if (seen.has(rule)) report(rulePath, `sub-rule "${rule}" is listed twice`);
      else if (ruleOwners.has(rule)) {
        // The first subset in spec order always wins, so a second user would never get anything.
        report(rulePath, `sub-rule "${rule}" is already used by subset "${ruleOwners.get(rule)}"`);
      }
      seen.add(rule);
      if (isString(name) && !ruleOwners.has(rule)) ruleOwners.set(rule, name);
    });
  });
};

const zodProblems = (error: z.ZodError): Problem[] =>
  error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));

/**
 * Parses and validates a VirtualApp, returning the typed value or every problem at once, each
 * with its path (`spec.subsets[1].routeRules[0]: unknown sub-rule "canary"`).
 */
export const parseVirtualApp = (input: unknown): ParseResult<VirtualApp> => {
  const problems: Problem[] = [];
  const structural = VirtualAppSchema.safeParse(input);
  if (!structural.success) problems.push(...zodProblems(structural.error));
  const report: Report = (path, message) => problems.push({ path: formatPath(path), message });
  const spec = field(input, 'spec');
  checkSpecSelector(spec, report);
  checkConfiguration(field(spec, 'configuration'), report);
  const rules = checkRoute(field(spec, 'route'), report);
  checkSubsets(field(spec, 'subsets'), rules, report);
  if (problems.length > 0 || !structural.success) return failure(problems);
  return success(structural.data);
};
