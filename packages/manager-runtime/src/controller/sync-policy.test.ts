import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { encodePolicyState } from '@ctrlmesh/traffic-policy';
import type { V1ControllerRevision, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { PolicyKind, PolicyStatus } from '../core/policy-status.js';
import type { VirtualAppObject } from '../kube/views-of.js';
import { silentLogger } from '../observe/log.js';
import { createManagerMetrics } from '../observe/metrics.js';
import { aSpec, T0 } from '../test-support/builders.js';
import { type PolicyObject, type PolicyWriter, StatusConflict } from './ports.js';
import { policyKeyOf, syncPolicy } from './sync-policy.js';

const NS = 'operators';

const aPodObject = (name: string, policyState?: string): V1Pod => ({
  metadata: { name, namespace: NS, labels: { app: 'web', version: 'v1' } },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      ...(policyState === undefined
        ? []
        : [{ type: 'ctrlmesh.io/TrafficPolicyState', status: 'True', message: policyState }]),
    ],
  },
});

const guard = (generation: number): PolicyObject => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'guard', namespace: NS, generation, resourceVersion: '1' },
  spec: {
    targetVirtualApps: [{ name: 'web' }],
    circuitBreakers: [{ name: 'errors', consecutiveFailures: 2 }],
  },
});

const openReport = (generation: number) =>
  encodePolicyState([
    {
      kind: 'TrafficPolicy',
      name: 'guard',
      generation,
      rules: [{ name: 'errors', breaker: 'Open', admitted: 3 }],
    },
  ]);

/** An apiserver of one policy, a VirtualApp and its pods, that records every write. */
class FakeCluster implements PolicyWriter {
  writes: string[] = [];
  conflicts = 0;
  pods: V1Pod[] = [];
  app: VirtualAppObject = {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: 'web', namespace: NS, generation: 1 },
    spec: aSpec(),
  };
  constructor(public object: PolicyObject) {}

  cache = {
    policy: (kind: PolicyKind) => (kind === 'TrafficPolicy' ? this.object : undefined),
    policiesIn: () => [{ kind: 'TrafficPolicy' as const, object: this.object }],
    virtualAppsIn: () => [this.app],
    revisionsOf: (): V1ControllerRevision[] => [],
    podsIn: () => this.pods,
  };

  async writePolicyStatus(kind: PolicyKind, object: PolicyObject, status: PolicyStatus) {
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      this.object = { ...this.object, metadata: { ...this.object.metadata, resourceVersion: '2' } };
      throw new StatusConflict(`${NS}/guard`, kind);
    }
    expect(object.metadata?.resourceVersion).toBe(this.object.metadata?.resourceVersion);
    this.writes.push(`status ${kind} ${status.podsReporting}/${status.podsSelected}`);
    this.object = { ...this.object, status };
  }
  async readPolicy() {
    this.writes.push('read');
    return this.object;
  }
}

const depsFor = (cluster: FakeCluster) => ({
  cache: cluster.cache,
  writer: cluster,
  clock: new ManualClock(T0),
  log: silentLogger,
  metrics: createManagerMetrics(),
});

const key = policyKeyOf('TrafficPolicy', NS, 'guard');

describe('syncPolicy', () => {
  it("writes the status from the pods' reports, and nothing when it would not change", async () => {
    const cluster = new FakeCluster(guard(2));
    cluster.pods = [aPodObject('web-a', openReport(2)), aPodObject('web-b')];
    await syncPolicy(key, depsFor(cluster));
    expect(cluster.writes).toEqual(['status TrafficPolicy 1/2']);
    expect(cluster.object.status).toMatchObject({
      observedGeneration: 2,
      laggingPods: ['web-b'],
      circuitBreakers: [{ name: 'errors', openPods: 1, closedPods: 0, admitted: 3 }],
    });
    await syncPolicy(key, depsFor(cluster));
    expect(cluster.writes).toHaveLength(1);
    cluster.pods = [aPodObject('web-a', openReport(2)), aPodObject('web-b', openReport(2))];
    await syncPolicy(key, depsFor(cluster));
    expect(cluster.writes).toEqual(['status TrafficPolicy 1/2', 'status TrafficPolicy 2/2']);
  });

  it('reads the policy again after a conflict and writes on the fresh version', async () => {
    const cluster = new FakeCluster(guard(1));
    cluster.conflicts = 1;
    await syncPolicy(key, depsFor(cluster));
    expect(cluster.writes).toEqual(['read', 'status TrafficPolicy 0/0']);
  });

  it('gives up after repeated conflicts, for the queue to retry with backoff', async () => {
    const cluster = new FakeCluster(guard(1));
    cluster.conflicts = 5;
    await expect(syncPolicy(key, depsFor(cluster))).rejects.toBeInstanceOf(StatusConflict);
  });

  it('does nothing for a policy that is gone', async () => {
    const cluster = new FakeCluster(guard(1));
    cluster.cache.policy = () => undefined;
    await syncPolicy(key, depsFor(cluster));
    expect(cluster.writes).toEqual([]);
  });
});
