import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePolicyDocuments } from './policy-documents.js';

const policy = `apiVersion: ctrlmesh.io/v1alpha1
kind: TrafficPolicy
metadata: {name: protect, namespace: ops}
spec:
  targetVirtualApps: [{name: sample}]
  rateLimits: [{name: all, qps: 5}]
`;
const injection = `apiVersion: ctrlmesh.io/v1alpha1
kind: FaultInjection
metadata: {name: chaos, namespace: ops}
spec:
  targetVirtualApps: [{name: sample}]
  faults: [{name: conflicts, probability: 0.2, abort: {code: 409}}]
`;

describe('parsePolicyDocuments', () => {
  it('reads TrafficPolicies and FaultInjections from one multi-document file', () => {
    const result = parsePolicyDocuments(`${policy}---\n${injection}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.trafficPolicies[0]?.spec.rateLimits?.[0]).toMatchObject({
      name: 'all',
      qps: 5,
    });
    expect(result.value.faultInjections[0]?.spec.faults[0]?.name).toBe('conflicts');
  });

  it('reads the items of a List, as kubectl writes them, and skips empty documents', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [parse(policy)],
    });
    const result = parsePolicyDocuments(`---\n${list}\n---\n`);
    expect(result.ok && result.value.trafficPolicies.length).toBe(1);
  });

  it('reports every problem of every document with its place, and takes nothing', () => {
    const broken = policy.replace('qps: 5', 'qps: -1');
    const result = parsePolicyDocuments(
      `${broken}---\n${injection.replace('code: 409', 'code: 409, reason: InternalError')}---\nkind: Pod\n`,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toContain('[0].spec.rateLimits[0].qps');
    expect(paths).toContain('[1].spec.faults[0].abort.reason');
    expect(result.problems.find((p) => p.path === '[2].kind')?.message).toContain('"Pod"');
  });

  it('refuses two policies of one kind and name: their rules would share state', () => {
    const result = parsePolicyDocuments(`${policy}---\n${policy}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toContain('TrafficPolicy/ops/protect');
  });

  it('says where YAML is broken', () => {
    const result = parsePolicyDocuments('kind: [TrafficPolicy');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.path).toBe('[0]');
  });
});
