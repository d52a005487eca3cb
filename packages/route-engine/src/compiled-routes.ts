import { fromStructuredSelector, type LabelSelector } from './label-selector.js';
import { compileNamespaceRegex, type NamespaceRegex } from './namespace-regex.js';
import type { ParseResult } from './problem.js';
import { compileResourceMatcher, type ResourceMatcher } from './resource-pattern.js';
import type { MatchLimitSelector, VirtualApp } from './virtual-app.js';

/**
 * One compiled match entry (MatchLimitSelector). A field that is absent is not checked; every
 * field that is present must match (DESIGN §4.1).
 */
export interface CompiledMatchEntry {
  /** Where the entry came from: `spec.route.subRules[0].match[1]`. */
  readonly path: string;
  readonly namespaceSelector?: LabelSelector | undefined;
  readonly namespaceRegex?: NamespaceRegex | undefined;
  readonly objectSelector?: LabelSelector | undefined;
  readonly resources?: ResourceMatcher | undefined;
}

/** A sub-rule as a subset uses it. */
export interface CompiledRule {
  readonly name: string;
  readonly entries: readonly CompiledMatchEntry[];
}

/** A declared subset: which pods belong to it and which rules it claims targets with. */
export interface CompiledSubset {
  readonly name: string;
  /** All of these labels must be on a pod for it to belong here (DESIGN §4.5). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Its route rules in spec order. */
  readonly rules: readonly CompiledRule[];
}

/**
 * A VirtualApp compiled for decisions: selectors parsed, regexes compiled, resource patterns
 * turned into matchers. Immutable; swap the whole value when routes change.
 */
export interface CompiledRoutes {
  /** `spec.route.globalLimits`: every entry whose resources apply must match (DESIGN §4.2). */
  readonly globalLimits: readonly CompiledMatchEntry[];
  /** Declared subsets in spec order; the default subset is not in this list. */
  readonly subsets: readonly CompiledSubset[];
  /** `spec.route.subsetPublicResources` (DESIGN §4.3). */
  readonly publicResources: ResourceMatcher;
  /** `spec.route.subsetDefaultOnlyUserAgents`, exact full strings (DESIGN §4.6). */
  readonly defaultOnlyUserAgents: ReadonlySet<string>;
}

const compiled = <T>(result: ParseResult<T>, what: string): T => {
  if (!result.ok) {
    // Programmer error: compileRoutes only accepts what parseVirtualApp validated.
    throw new TypeError(
      `invalid ${what}: ${result.problems[0]?.message}; validate with parseVirtualApp`,
    );
  }
  return result.value;
};

const compileEntry = (entry: MatchLimitSelector, path: string): CompiledMatchEntry =>
  Object.freeze({
    path,
    namespaceSelector:
      entry.namespaceSelector &&
      compiled(fromStructuredSelector(entry.namespaceSelector), `${path}.namespaceSelector`),
    namespaceRegex:
      entry.namespaceRegex === undefined
        ? undefined
        : compiled(compileNamespaceRegex(entry.namespaceRegex), `${path}.namespaceRegex`),
    objectSelector:
      entry.objectSelector &&
      compiled(fromStructuredSelector(entry.objectSelector), `${path}.objectSelector`),
    resources: entry.resources && compileResourceMatcher(entry.resources),
  });

/**
 * Compiles a VirtualApp like {@link compileRoutes}, one match entry per step: the generator
 * yields after each entry (a regex compile is the costly part), so a runtime can give other work
 * a turn between steps and large VirtualApps never hold its event loop for long. Returns the
 * routes when done; the number of steps is the number of match entries.
 */
export function* compileRoutesInSteps(app: VirtualApp): Generator<void, CompiledRoutes, void> {
  const route = app.spec.route ?? {};
  const rules = new Map<string, CompiledRule>();
  const subRules = route.subRules ?? [];
  for (const [index, rule] of subRules.entries()) {
    const path = `spec.route.subRules[${index}]`;
    const entries: CompiledMatchEntry[] = [];
    for (const [entryIndex, entry] of rule.match.entries()) {
      entries.push(compileEntry(entry, `${path}.match[${entryIndex}]`));
      yield;
    }
    rules.set(rule.name, Object.freeze({ name: rule.name, entries: Object.freeze(entries) }));
  }
  const globalLimits: CompiledMatchEntry[] = [];
  for (const [index, entry] of (route.globalLimits ?? []).entries()) {
    globalLimits.push(compileEntry(entry, `spec.route.globalLimits[${index}]`));
    yield;
  }
  const subsets = (app.spec.subsets ?? []).map((subset) =>
    Object.freeze({
      name: subset.name,
      podLabels: Object.freeze({ ...subset.labels }),
      rules: Object.freeze(
        (subset.routeRules ?? []).map((name) => {
          const rule = rules.get(name);
          if (rule === undefined) {
            throw new TypeError(`unknown sub-rule "${name}"; validate with parseVirtualApp`);
          }
          return rule;
        }),
      ),
    }),
  );
  return Object.freeze({
    globalLimits: Object.freeze(globalLimits),
    subsets: Object.freeze(subsets),
    publicResources: compileResourceMatcher(route.subsetPublicResources ?? []),
    defaultOnlyUserAgents: new Set(route.subsetDefaultOnlyUserAgents ?? []),
  });
}

/**
 * Compiles a VirtualApp that `parseVirtualApp` accepted: everything a decision needs is parsed
 * and compiled here, once. Throws a `TypeError` for an app that did not pass validation.
 */
export const compileRoutes = (app: VirtualApp): CompiledRoutes => {
  const steps = compileRoutesInSteps(app);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
};
