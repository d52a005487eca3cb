import {
  type CompiledRoutes,
  type Decision,
  decisionFor,
  explain,
  type Labels,
  podSubset,
} from '@ctrlmesh/route-engine';
import type { CasesFile, TestCase } from './cases-file.js';
import { decisionText, decisionWord, ownershipText } from './ownership-text.js';
import { resolveTarget } from './target-spec.js';
import { type KubeObject, type World, worldOf } from './world.js';

/** The outcome of one case. */
export interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly passed: boolean;
  /** One sentence per expectation that did not hold (empty when passed). */
  readonly failures: readonly string[];
  /** What the rules answered: owner, and decision when a pod or subset asked. */
  readonly actual: { readonly owner: string; readonly decision?: string | undefined };
  /** route-engine's chain of reasons, then what the world did not know. */
  readonly reasons: readonly string[];
}

/** The world a cases file describes: its `given` namespaces and objects. */
export const givenWorld = (given: CasesFile['given']): World => {
  const namespaces: KubeObject[] = Object.entries(given?.namespaces ?? {}).map(
    ([name, labels]) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: labels ?? {} },
    }),
  );
  return worldOf([...namespaces, ...(given?.objects ?? [])]);
};

const askingSubset = (routes: CompiledRoutes, testCase: TestCase): string | undefined =>
  testCase.subset ??
  (testCase.pod === undefined ? undefined : podSubset(routes, testCase.pod as Labels));

/** Runs one case against compiled routes in a world. */
export const runCase = (
  routes: CompiledRoutes,
  world: World,
  file: string,
  testCase: TestCase,
): CaseResult => {
  const spec = testCase.target ?? testCase.request ?? '';
  const resolved = resolveTarget(spec, world, testCase.userAgent);
  if ('error' in resolved) {
    return {
      file,
      name: testCase.name,
      passed: false,
      failures: [resolved.error],
      actual: { owner: 'unknown' },
      reasons: [],
    };
  }
  const { ownership, reasons } = explain(routes, resolved.target);
  const subset = askingSubset(routes, testCase);
  const decision: Decision | undefined =
    subset === undefined ? undefined : decisionFor(ownership, subset);
  const owner = ownershipText(ownership);
  const failures: string[] = [];
  const { expect } = testCase;
  if (
    expect.owner !== undefined &&
    !(ownership.kind === 'owned' && ownership.subset === expect.owner)
  ) {
    failures.push(`expected owner ${expect.owner}, got ${owner}`);
  }
  if (expect.excluded !== undefined && (ownership.kind === 'excluded') !== expect.excluded) {
    failures.push(`expected ${expect.excluded ? '' : 'not '}excluded, got ${owner}`);
  }
  if (expect.public !== undefined && (ownership.kind === 'public') !== expect.public) {
    failures.push(`expected ${expect.public ? '' : 'not '}public, got ${owner}`);
  }
  // A list or watch is never refused (DESIGN §5): its items are decided, each as the target is,
  // or each in its own namespace when the request spans them.
  const items: Decision | 'perObject' | undefined =
    decision === undefined ? undefined : resolved.acrossNamespaces ? 'perObject' : decision;
  const itemsWord = items === 'perObject' ? 'filter' : items && decisionWord(items);
  const itemsText =
    items === 'perObject' ? 'each decided in its own namespace' : items && decisionText(items);
  const actualWord = resolved.collectionRead ? 'filter' : decision && decisionWord(decision);
  const actualText = resolved.collectionRead
    ? `filter (a ${resolved.collectionRead} is never refused; its items: ${itemsText})`
    : decision && decisionText(decision);
  if (expect.decision !== undefined && actualWord !== undefined && actualWord !== expect.decision) {
    failures.push(`expected decision ${expect.decision} for subset ${subset}, got ${actualText}`);
  }
  if (expect.items !== undefined && resolved.collectionRead === undefined) {
    failures.push(`expected items ${expect.items}, but "${spec}" is not a list or watch`);
  } else if (expect.items !== undefined && itemsWord !== expect.items) {
    failures.push(`expected items ${expect.items} for subset ${subset}, got ${itemsText}`);
  }
  return {
    file,
    name: testCase.name,
    passed: failures.length === 0,
    failures,
    actual: {
      owner,
      decision: actualText === undefined ? undefined : `${actualText} for subset ${subset}`,
    },
    reasons: [
      ...reasons,
      ...(subset === undefined ? [] : [`the asking pod belongs to subset "${subset}"`]),
      ...resolved.warnings.map((w) => `warning: ${w}`),
    ],
  };
};

/** Runs every case of a cases file. */
export const runCasesFile = (
  routes: CompiledRoutes,
  file: string,
  cases: CasesFile,
): CaseResult[] => {
  const world = givenWorld(cases.given);
  return cases.cases.map((testCase) => runCase(routes, world, file, testCase));
};
