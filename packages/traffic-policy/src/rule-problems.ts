import {
  apiGroupResourceProblems,
  DEFAULT_SUBSET,
  fromStructuredSelector,
  type StructuredLabelSelector,
} from '@ctrlmesh/route-engine';
import { field, isRecord, isString, list, type Path, type Report } from './raw-input.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const checkDnsLabel = (value: unknown, path: Path, what: string, report: Report): void => {
  if (isString(value) && !DNS_LABEL.test(value)) {
    report(path, `${what} "${value}" must be a DNS label (lowercase letters, digits, "-")`);
  }
};

/** Reports a structured label selector's problems (bad keys, values, operators). */
export const checkSelector = (value: unknown, path: Path, report: Report): void => {
  if (!isRecord(value)) return;
  const result = fromStructuredSelector(value as StructuredLabelSelector);
  if (!result.ok)
    for (const problem of result.problems) report([...path, problem.path], problem.message);
};

/** Reports `spec.targetVirtualApps` problems: none at all, or an entry that selects nothing. */
export const checkTargets = (spec: unknown, report: Report): void => {
  const targets = field(spec, 'targetVirtualApps');
  if (Array.isArray(targets) && targets.length === 0) {
    report(['spec', 'targetVirtualApps'], 'targetVirtualApps must name at least one VirtualApp');
  }
  list(targets).forEach((target, index) => {
    const path = ['spec', 'targetVirtualApps', index];
    if (!isRecord(target)) return;
    if (target.name === undefined && target.selector === undefined) {
      report(path, 'set name or selector: a target without either would select every VirtualApp');
    }
    checkSelector(target.selector, [...path, 'selector'], report);
    if (Array.isArray(target.specificSubsets) && target.specificSubsets.length === 0) {
      // The original read `[]` as every subset, and Go clients drop empty lists: refuse the doubt.
      report(
        [...path, 'specificSubsets'],
        'specificSubsets must not be empty; leave it out for every subset',
      );
    }
    list(target.specificSubsets).forEach((subset, subsetIndex) => {
      if (subset === DEFAULT_SUBSET) return;
      checkDnsLabel(subset, [...path, 'specificSubsets', subsetIndex], 'subset', report);
    });
  });
};

const checkPath = (value: unknown, path: Path, report: Report): void => {
  if (!isString(value) || value === '*') return;
  const star = value.indexOf('*');
  if (!value.startsWith('/')) report(path, `non-resource path "${value}" must start with "/"`);
  else if (star >= 0 && (star !== value.length - 1 || !value.endsWith('/*'))) {
    report(path, `non-resource path "${value}" may only end in "/*" (a prefix)`);
  }
};

// Verbs are Kubernetes' resource verbs (`list`, `watch`): non-resource requests have none.
const RESOURCE_FIELDS = ['verbs', 'resources', 'namespaces', 'namespaceSelector'] as const;
const RULE_FIELDS = [...RESOURCE_FIELDS, 'nonResourcePaths', 'userAgents'] as const;

/** Reports one `match[]` entry's problems. */
export const checkRequestRule = (rule: unknown, path: Path, report: Report): void => {
  if (!isRecord(rule)) return;
  if (RULE_FIELDS.every((key) => rule[key] === undefined)) {
    report(path, 'match entry sets nothing; leave match out to match every request');
  }
  for (const key of RULE_FIELDS) {
    if (Array.isArray(rule[key]) && rule[key].length === 0) {
      report([...path, key], `${key} must not be empty; leave it out to match any`);
    }
  }
  if (rule.nonResourcePaths !== undefined) {
    for (const key of RESOURCE_FIELDS) {
      if (rule[key] !== undefined) {
        report([...path, key], `${key} cannot be combined with nonResourcePaths`);
      }
    }
  }
  list(rule.resources).forEach((entry, index) => {
    const apiGroups = field(entry, 'apiGroups');
    const resources = field(entry, 'resources');
    if (!Array.isArray(apiGroups) || !Array.isArray(resources)) return;
    if (!apiGroups.every(isString) || !resources.every(isString)) return;
    for (const problem of apiGroupResourceProblems({ apiGroups, resources })) {
      report([...path, 'resources', index, problem.path], problem.message);
    }
  });
  list(rule.namespaces).forEach((name, index) => {
    checkDnsLabel(name, [...path, 'namespaces', index], 'namespace', report);
  });
  checkSelector(rule.namespaceSelector, [...path, 'namespaceSelector'], report);
  list(rule.nonResourcePaths).forEach((value, index) => {
    checkPath(value, [...path, 'nonResourcePaths', index], report);
  });
  list(rule.userAgents).forEach((agent, index) => {
    if (agent === '' || agent === '*') {
      report([...path, 'userAgents', index], 'user agent must not be empty or only "*"');
    }
  });
};

/**
 * Reports problems common to every named rule of a list (`spec.rateLimits`, `spec.faults`):
 * names are DNS labels and unique (they key the state and the status), match entries are sound.
 */
export const checkNamedRules = (
  rules: unknown,
  path: Path,
  report: Report,
  checkRule: (rule: Record<string, unknown>, path: Path) => void,
): void => {
  const names = new Map<string, number>();
  list(rules).forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const rulePath = [...path, index];
    const name = rule.name;
    checkDnsLabel(name, [...rulePath, 'name'], 'name', report);
    if (isString(name)) {
      const first = names.get(name);
      if (first !== undefined) {
        report(
          [...rulePath, 'name'],
          `duplicate name "${name}" (first at ${path.at(-1)}[${first}])`,
        );
      } else names.set(name, index);
    }
    if (Array.isArray(rule.match) && rule.match.length === 0) {
      report(
        [...rulePath, 'match'],
        'match must have at least one entry; leave it out to match every request',
      );
    }
    list(rule.match).forEach((entry, entryIndex) => {
      checkRequestRule(entry, [...rulePath, 'match', entryIndex], report);
    });
    checkRule(rule, rulePath);
  });
};
