import { describe, expect, it } from 'vitest';
import { compileRequestMatcher } from './request-matcher.js';
import type { RequestRule } from './request-rule.js';
import { aContext, aRequest } from './test-support/policies.js';

const matches = (match: RequestRule[] | undefined, method: string, url: string, agent?: string) =>
  compileRequestMatcher(match)(aRequest(method, url), aContext(agent));

describe('compileRequestMatcher', () => {
  it('matches every request when match is absent', () => {
    expect(matches(undefined, 'GET', '/api/v1/pods')).toBe(true);
    expect(matches(undefined, 'GET', '/healthz')).toBe(true);
  });

  it('matches verbs as Kubernetes names them, watches and lists included', () => {
    const rule = [{ verbs: ['list' as const, 'watch' as const] }];
    expect(matches(rule, 'GET', '/api/v1/namespaces/a/configmaps')).toBe(true);
    expect(matches(rule, 'GET', '/api/v1/namespaces/a/configmaps?watch=true')).toBe(true);
    expect(matches(rule, 'GET', '/api/v1/namespaces/a/configmaps/x')).toBe(false);
    expect(matches([{ verbs: ['*'] }], 'DELETE', '/api/v1/namespaces/a/configmaps/x')).toBe(true);
  });

  it('matches resources with route-engine patterns, exact about subresources', () => {
    const rule = [{ resources: [{ apiGroups: ['apps'], resources: ['deployments', '*/scale'] }] }];
    expect(matches(rule, 'PUT', '/apis/apps/v1/namespaces/a/deployments/d')).toBe(true);
    expect(matches(rule, 'PUT', '/apis/apps/v1/namespaces/a/deployments/d/scale')).toBe(true);
    expect(matches(rule, 'PUT', '/apis/apps/v1/namespaces/a/deployments/d/status')).toBe(false);
    expect(matches(rule, 'PUT', '/api/v1/namespaces/a/pods/p')).toBe(false);
  });

  it('matches namespaces by name and by selector over the labels handed in', () => {
    expect(matches([{ namespaces: ['prod'] }], 'GET', '/api/v1/namespaces/prod/pods')).toBe(true);
    expect(matches([{ namespaces: ['prod'] }], 'GET', '/api/v1/namespaces/dev/pods')).toBe(false);
    const canary = [{ namespaceSelector: { matchLabels: { stage: 'canary' } } }];
    expect(matches(canary, 'GET', '/api/v1/namespaces/canary-a/pods')).toBe(true);
    expect(matches(canary, 'GET', '/api/v1/namespaces/prod/pods')).toBe(false);
  });

  it('never matches a namespace selector against a namespace whose labels are unknown', () => {
    const notProd = [
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'stage', operator: 'NotIn' as const, values: ['prod'] }],
        },
      },
    ];
    expect(matches(notProd, 'GET', '/api/v1/namespaces/canary-a/pods')).toBe(true);
    expect(matches(notProd, 'GET', '/api/v1/namespaces/unknown/pods')).toBe(false);
  });

  it('never matches namespace fields on cluster-scoped requests or lists across namespaces', () => {
    const rule = [{ namespaces: ['prod'] }];
    expect(matches(rule, 'GET', '/api/v1/nodes')).toBe(false);
    expect(matches(rule, 'GET', '/api/v1/pods')).toBe(false);
    expect(matches(rule, 'GET', '/api/v1/namespaces/prod')).toBe(true);
  });

  it('matches non-resource paths exactly, by "/*" prefix or "*", and only non-resource requests', () => {
    expect(matches([{ nonResourcePaths: ['/healthz'] }], 'GET', '/healthz')).toBe(true);
    expect(matches([{ nonResourcePaths: ['/healthz'] }], 'GET', '/healthz/etcd')).toBe(false);
    expect(matches([{ nonResourcePaths: ['/apis/*'] }], 'GET', '/apis/apps/v1')).toBe(true);
    expect(matches([{ nonResourcePaths: ['*'] }], 'GET', '/version')).toBe(true);
    expect(matches([{ nonResourcePaths: ['*'] }], 'GET', '/api/v1/pods')).toBe(false);
    expect(matches([{ verbs: ['get'] }], 'GET', '/version')).toBe(false);
  });

  it('matches user agents exactly or by "*" prefix, on every kind of request', () => {
    const rule = [{ userAgents: ['sample-controller/*', 'kubectl'] }];
    expect(matches(rule, 'GET', '/api/v1/pods', 'sample-controller/v1.2 (linux)')).toBe(true);
    expect(matches(rule, 'GET', '/version', 'kubectl')).toBe(true);
    expect(matches(rule, 'GET', '/api/v1/pods', 'kubectl/v1.31')).toBe(false);
    expect(matches(rule, 'GET', '/api/v1/pods')).toBe(false);
  });

  it('ANDs the fields of an entry and ORs the entries', () => {
    const rule = [
      { verbs: ['update' as const], namespaces: ['prod'] },
      { verbs: ['delete' as const] },
    ];
    expect(matches(rule, 'PUT', '/api/v1/namespaces/prod/configmaps/c')).toBe(true);
    expect(matches(rule, 'PUT', '/api/v1/namespaces/dev/configmaps/c')).toBe(false);
    expect(matches(rule, 'DELETE', '/api/v1/namespaces/dev/configmaps/c')).toBe(true);
  });
});
