import { describe, expect, it } from 'vitest';
import { parseVirtualApp } from './parse-virtual-app.js';
import { virtualAppJsonSchema } from './virtual-app.js';

const valid = {
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'sample', namespace: 'operators' },
  spec: {
    selector: { matchLabels: { app: 'sample-operator' } },
    configuration: {
      controller: { leaderElectionName: 'sample-lock' },
      webhook: { certDir: '/tmp/certs', port: 9443 },
      restConfigOverrides: { userAgentOrPrefix: 'mesh/' },
    },
    route: {
      globalLimits: [
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'ns-type', operator: 'NotIn', values: ['system'] }],
          },
        },
      ],
      subRules: [
        {
          name: 'canary-rule',
          match: [
            { namespaceSelector: { matchLabels: { 'ns-type': 'canary-1' } } },
            { namespaceRegex: '^canary.*' },
          ],
        },
      ],
      subsetPublicResources: [{ apiGroups: [''], resources: ['configmaps'] }],
      subsetDefaultOnlyUserAgents: ['inventory-cache'],
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary-rule'] }],
  },
  status: {
    observedGeneration: 3,
    subsets: [{ name: 'v2', pods: 2, readyPods: 2, updatedPods: 1 }],
    conditions: [{ type: 'Ready', status: 'True' }],
  },
};

const problemsOf = (input: unknown): string[] => {
  const result = parseVirtualApp(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

const withSpec = (spec: Record<string, unknown>) => ({
  ...valid,
  spec: { ...valid.spec, ...spec },
});
const withRoute = (route: Record<string, unknown>) =>
  withSpec({ route: { ...valid.spec.route, ...route } });

describe('parseVirtualApp', () => {
  it('accepts every field of DESIGN §3, under both apiVersions', () => {
    expect(parseVirtualApp(valid)).toEqual({ ok: true, value: valid });
    expect(parseVirtualApp({ ...valid, apiVersion: 'ctrlmesh.kruise.io/v1alpha1' }).ok).toBe(true);
  });

  it('accepts a VirtualApp without configuration, route or subsets', () => {
    expect(problemsOf({ ...valid, spec: { selector: valid.spec.selector } })).toEqual([]);
  });

  it('rejects other apiVersions and kinds', () => {
    expect(
      problemsOf({ ...valid, apiVersion: 'v1', kind: 'Pod' }).map((p) => p.split(':')[0]),
    ).toEqual(['apiVersion', 'kind']);
  });

  it('reports every problem at once, each with its path', () => {
    const problems = problemsOf(
      withSpec({
        route: {
          subRules: [
            { name: 'a', match: [{ namespaceRegex: '(' }] },
            { name: 'a', match: [] },
          ],
        },
        subsets: [
          { name: 'v2', labels: {}, routeRules: ['a', 'canary'] },
          { name: 'v2', labels: { 'bad key': 'x' }, routeRules: ['a'] },
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^spec\.route\.subRules\[0\]\.match\[0\]\.namespaceRegex: invalid RE2 regex/,
      ),
      'spec.route.subRules[1].name: duplicate sub-rule name "a" (first at subRules[0])',
      'spec.route.subRules[1].match: match must have at least one entry',
      'spec.subsets[0].labels: labels must not be empty: every pod would belong to this subset',
      'spec.subsets[0].routeRules[1]: unknown sub-rule "canary"',
      'spec.subsets[1].name: duplicate subset name "v2" (first at subsets[0])',
      expect.stringMatching(/^spec\.subsets\[1\]\.labels\.bad key: invalid label key/),
      'spec.subsets[1].routeRules[0]: sub-rule "a" is already used by subset "v2"',
    ]);
  });

  it('reports structural and semantic problems together', () => {
    const problems = problemsOf(
      withSpec({
        route: { globalLimits: [{ namespaceRegx: '^a' }, {}] },
        subsets: [{ name: 'Bad_Name', labels: { v: '2' }, routeRules: ['missing'] }],
      }),
    );
    expect(problems).toEqual([
      'spec.route.globalLimits[0]: Unrecognized key: "namespaceRegx"',
      expect.stringMatching(/^spec\.route\.globalLimits\[0\]: match entry sets none of/),
      expect.stringMatching(/^spec\.route\.globalLimits\[1\]: match entry sets none of/),
      expect.stringMatching(
        /^spec\.subsets\[0\]\.name: subset name "Bad_Name" must be a lowercase RFC 1123 label/,
      ),
      'spec.subsets[0].routeRules[0]: unknown sub-rule "missing"',
    ]);
  });

  it('checks selector operators, values and label rules', () => {
    const problems = problemsOf(
      withRoute({
        globalLimits: [
          {
            objectSelector: {
              matchExpressions: [
                { key: 'a', operator: 'In' },
                { key: 'b', operator: 'Exists', values: ['x'] },
                { key: 'c', operator: 'Equals', values: ['x'] },
              ],
            },
          },
        ],
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'spec.route.globalLimits[0].objectSelector.matchExpressions[2].operator',
      'spec.route.globalLimits[0].objectSelector.matchExpressions[0].values',
      'spec.route.globalLimits[0].objectSelector.matchExpressions[1].values',
    ]);
  });

  it('checks resource patterns and "*" mixed with other entries', () => {
    const problems = problemsOf(
      withRoute({
        subsetPublicResources: [
          { apiGroups: ['*', 'apps'], resources: ['po*', 'pods/log/x'] },
          { apiGroups: [''], resources: ['*', 'pods'] },
        ],
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'spec.route.subsetPublicResources[0].apiGroups',
      'spec.route.subsetPublicResources[0].resources[0]',
      'spec.route.subsetPublicResources[0].resources[1]',
      'spec.route.subsetPublicResources[1].resources',
    ]);
  });

  it('refuses an empty resources list in a match entry, which failed open (issue 9)', () => {
    // A global limit with `resources: []` applied to no resource, so it fenced nothing; in a
    // sub-rule it made the rule never match. Absent means "every resource"; `[]` is refused.
    const problems = problemsOf(
      withRoute({
        globalLimits: [{ namespaceRegex: '^tenant-a$', resources: [] }],
        subRules: [{ name: 'canary-rule', match: [{ namespaceRegex: '^canary', resources: [] }] }],
      }),
    );
    expect(problems).toEqual([
      'spec.route.globalLimits[0].resources: resources must not be empty; leave it out to match every resource',
      'spec.route.subRules[0].match[0].resources: resources must not be empty; leave it out to match every resource',
    ]);
  });

  it('rejects an empty pod selector and bad configuration values', () => {
    const problems = problemsOf(
      withSpec({
        selector: {},
        configuration: {
          controller: { leaderElectionName: 'Lock!' },
          webhook: { certDir: '', port: 0 },
        },
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'spec.selector',
      'spec.configuration.controller.leaderElectionName',
      'spec.configuration.webhook.certDir',
      'spec.configuration.webhook.port',
    ]);
  });

  it('never throws on garbage', () => {
    for (const input of [
      null,
      42,
      'x',
      [],
      { spec: 'x' },
      { spec: { route: { subRules: 'x' } } },
    ]) {
      expect(parseVirtualApp(input).ok).toBe(false);
    }
  });
});

describe('virtualAppJsonSchema', () => {
  it('describes the spec for the CRD generator', () => {
    const schema = virtualAppJsonSchema() as {
      properties: { spec: { properties: Record<string, unknown>; additionalProperties: boolean } };
    };
    expect(Object.keys(schema.properties.spec.properties)).toEqual([
      'selector',
      'configuration',
      'route',
      'subsets',
    ]);
    expect(schema.properties.spec.additionalProperties).toBe(false);
  });
});
