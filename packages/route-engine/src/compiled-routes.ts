import type { LabelSelector } from './label-selector.js';
import type { NamespaceRegex } from './namespace-regex.js';
import type { ResourceMatcher } from './resource-pattern.js';
import type { VirtualApp } from './virtual-app.js';

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

/** Compiles a VirtualApp that `parseVirtualApp` accepted. */
export const compileRoutes = (app: VirtualApp): CompiledRoutes => {
  void app;
  throw new Error('compileRoutes: not implemented yet');
};
