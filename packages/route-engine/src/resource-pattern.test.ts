import { describe, expect, it } from 'vitest';
import {
  apiGroupResourceProblems,
  compileResourceMatcher,
  type GroupResource,
  parseResourcePattern,
} from './resource-pattern.js';

const pods: GroupResource = { group: '', resource: 'pods' };
const podLog: GroupResource = { group: '', resource: 'pods', subresource: 'log' };
const scale: GroupResource = { group: 'apps', resource: 'deployments', subresource: 'scale' };
const deployments: GroupResource = { group: 'apps', resource: 'deployments' };

const matcher = (resources: string[], apiGroups = ['*']) =>
  compileResourceMatcher([{ apiGroups, resources }]);

describe('resource patterns', () => {
  it.each([
    ['pods', [pods], [podLog, deployments]],
    ['pods/log', [podLog], [pods]],
    ['*', [pods, deployments], [podLog, scale]],
    ['pods/*', [podLog], [pods, scale]],
    ['*/scale', [scale], [deployments, podLog]],
    ['*/*', [podLog, scale], [pods, deployments]],
  ])('%s matches exactly what it says, subresources included', (pattern, yes, no) => {
    const m = matcher([pattern]);
    for (const target of yes) expect(m.matches(target)).toBe(true);
    for (const target of no) expect(m.matches(target)).toBe(false);
  });

  it('matches the core group only with "" and any group with "*"', () => {
    expect(matcher(['pods'], ['']).matches(pods)).toBe(true);
    expect(matcher(['pods'], ['apps']).matches(pods)).toBe(false);
    expect(matcher(['deployments'], ['apps', 'extensions']).matches(deployments)).toBe(true);
  });

  it('names a resource only when it is spelled out', () => {
    expect(matcher(['*']).names(pods)).toBe(false);
    expect(matcher(['pods']).names(pods)).toBe(true);
    expect(matcher(['*/scale']).names(scale)).toBe(false);
  });

  it.each(['po*', 'a/b/c', 'Pods', '', 'pods/', '/log'])('rejects the pattern %j', (pattern) => {
    expect(parseResourcePattern(pattern).ok).toBe(false);
  });

  it('reports "*" mixed with other entries, empty lists and bad groups', () => {
    expect(
      apiGroupResourceProblems({ apiGroups: ['*', 'apps'], resources: ['*', 'pods/log'] }).map(
        (p) => p.path,
      ),
    ).toEqual(['apiGroups', 'resources']);
    expect(
      apiGroupResourceProblems({ apiGroups: ['Apps'], resources: [] }).map((p) => p.path),
    ).toEqual(['resources', 'apiGroups[0]']);
  });
});
