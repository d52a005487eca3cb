import fc from 'fast-check';
import type { MatchLimitSelector, VirtualApp } from '../virtual-app.js';
import { arbStructuredSelector } from './arb-labels.js';
import { API_GROUP_RESOURCES, NAMESPACE_REGEXES, USER_AGENTS } from './vocabulary.js';

const arbResources = () =>
  fc
    .uniqueArray(fc.constantFrom(...API_GROUP_RESOURCES), { minLength: 1, maxLength: 2 })
    .map((entries) =>
      entries.map((entry) => ({
        apiGroups: [...entry.apiGroups],
        resources: [...entry.resources],
      })),
    );

/** Valid match entries (MatchLimitSelector) setting one to four fields. */
export const arbMatchEntry = (): fc.Arbitrary<MatchLimitSelector> =>
  fc
    .record(
      {
        namespaceSelector: arbStructuredSelector(),
        namespaceRegex: fc.constantFrom(...NAMESPACE_REGEXES),
        objectSelector: arbStructuredSelector(),
        resources: arbResources(),
      },
      { requiredKeys: [] },
    )
    .filter((entry) => Object.keys(entry).length > 0) as fc.Arbitrary<MatchLimitSelector>;

const podLabels = (index: number, name: string, track: string): Record<string, string> =>
  index % 2 === 0 ? { version: name } : { track };

const SUBSET_NAMES = ['v1', 'v2', 'canary', 'shard-a', 'shard-b'] as const;
const RULE_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'] as const;

/**
 * Valid VirtualApps (they pass `parseVirtualApp`): zero to five subsets, sub-rules each used by
 * at most one subset, global limits, public resources and default-only user agents, all over a
 * small shared vocabulary so that rules overlap with each other and with `arbWorld()`.
 */
export const arbVirtualApp = (): fc.Arbitrary<VirtualApp> =>
  fc
    .record({
      globalLimits: fc.array(arbMatchEntry(), { maxLength: 2 }),
      rules: fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...RULE_NAMES),
          match: fc.array(arbMatchEntry(), { minLength: 1, maxLength: 3 }),
          owner: fc.nat({ max: SUBSET_NAMES.length }),
        }),
        { selector: (rule) => rule.name, maxLength: 5 },
      ),
      subsets: fc.uniqueArray(fc.constantFrom(...SUBSET_NAMES), { maxLength: 4 }),
      podLabelValue: fc.constantFrom('a', 'b'),
      publicResources: fc.uniqueArray(fc.constantFrom(...API_GROUP_RESOURCES), { maxLength: 2 }),
      defaultOnly: fc.boolean(),
    })
    .map(
      ({
        globalLimits,
        rules,
        subsets,
        podLabelValue,
        publicResources,
        defaultOnly,
      }): VirtualApp => ({
        apiVersion: 'ctrlmesh.io/v1alpha1',
        kind: 'VirtualApp',
        metadata: { name: 'random', namespace: 'operators' },
        spec: {
          selector: { matchLabels: { app: 'random-operator' } },
          route: {
            globalLimits,
            subRules: rules.map(({ name, match }) => ({ name, match })),
            subsetPublicResources: publicResources.map((entry) => ({
              apiGroups: [...entry.apiGroups],
              resources: [...entry.resources],
            })),
            subsetDefaultOnlyUserAgents: defaultOnly ? [USER_AGENTS[0]] : [],
          },
          subsets: subsets.map((name, index) => ({
            name,
            // Odd subsets select by another key, so pod labels can match several subsets.
            labels: podLabels(index, name, podLabelValue),
            routeRules: rules.filter((rule) => rule.owner === index).map((rule) => rule.name),
          })),
        },
      }),
    );
