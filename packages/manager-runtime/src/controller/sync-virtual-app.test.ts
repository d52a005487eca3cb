import type { VirtualAppStatus } from '@ctrlmesh/route-engine';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import type { V1ControllerRevision, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { revisionName } from '../core/revision-name.js';
import type { VirtualAppObject } from '../kube/views-of.js';
import { silentLogger } from '../observe/log.js';
import { createManagerMetrics } from '../observe/metrics.js';
import { aSpec, T0 } from '../test-support/builders.js';
import { type ManagerWriter, StatusConflict } from './ports.js';
import { syncVirtualApp } from './sync-virtual-app.js';

const SPEC_A = aSpec(['canary-a']);
const SPEC_B = aSpec(['canary-b']);
const A = revisionName('web', SPEC_A);
const B = revisionName('web', SPEC_B);

/** An apiserver of one VirtualApp, its revisions and pods, that records every write. */
class FakeCluster implements ManagerWriter {
  writes: string[] = [];
  conflicts = 0;
  revisions: V1ControllerRevision[] = [];
  pods: V1Pod[] = [];
  constructor(public object: VirtualAppObject) {}

  cache = {
    virtualApp: () => this.object,
    revisionsOf: () => this.revisions,
    podsIn: () => this.pods,
  };

  async createRevision(body: V1ControllerRevision) {
    this.writes.push(`create ${body.metadata?.name}`);
    this.revisions = [...this.revisions, body];
  }
  async writeStatus(object: VirtualAppObject, status: VirtualAppStatus) {
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      this.object = {
        ...this.object,
        metadata: {
          ...this.object.metadata,
          resourceVersion: `${Number(this.object.metadata?.resourceVersion) + 1}`,
        },
      };
      throw new StatusConflict('operators/web');
    }
    expect(object.metadata?.resourceVersion).toBe(this.object.metadata?.resourceVersion);
    this.writes.push(
      `status ${status.routing?.phase}(${status.routing?.previousRevision ?? ''},${status.routing?.currentRevision})`,
    );
    this.object = { ...this.object, status };
  }
  async deleteRevision(_namespace: string, name: string) {
    this.writes.push(`delete ${name}`);
    this.revisions = this.revisions.filter((r) => r.metadata?.name !== name);
  }
  async readVirtualApp() {
    this.writes.push('read');
    return this.object;
  }
}

const aVirtualAppObject = (spec: unknown, generation = 1): VirtualAppObject => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'web', namespace: 'operators', uid: 'u', generation, resourceVersion: '1' },
  spec,
});

const depsFor = (cluster: FakeCluster, limit = 10) => ({
  cache: cluster.cache,
  writer: cluster,
  clock: new ManualClock(T0),
  log: silentLogger,
  metrics: createManagerMetrics(),
  options: { podGracePeriodMs: 30_000, revisionHistoryLimit: limit },
});

describe('syncVirtualApp', () => {
  it('creates the revision before the status that names it', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    await syncVirtualApp('operators/web', depsFor(cluster));
    expect(cluster.writes).toEqual([`create ${A}`, `status Settled(,${A})`]);
    expect(cluster.revisions[0]?.metadata?.labels).toEqual({ 'ctrlmesh.io/virtual-app': 'web' });
  });

  it('writes nothing when the status would not change', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    const deps = depsFor(cluster);
    await syncVirtualApp('operators/web', deps);
    cluster.writes = [];
    await syncVirtualApp('operators/web', deps);
    expect(cluster.writes).toEqual([]);
  });

  it('reads again and decides again after a status conflict', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    cluster.conflicts = 1;
    await syncVirtualApp('operators/web', depsFor(cluster));
    expect(cluster.writes).toEqual([`create ${A}`, 'read', `status Settled(,${A})`]);
  });

  it('gives up to the queue after repeated conflicts', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    cluster.conflicts = 5;
    await expect(syncVirtualApp('operators/web', depsFor(cluster))).rejects.toBeInstanceOf(
      StatusConflict,
    );
  });

  it('deletes old revisions only after the status that stops naming them', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    const deps = depsFor(cluster, 1);
    await syncVirtualApp('operators/web', deps);
    cluster.object = {
      ...cluster.object,
      spec: SPEC_B,
      metadata: { ...cluster.object.metadata, generation: 2 },
    };
    await syncVirtualApp('operators/web', deps);
    await syncVirtualApp('operators/web', deps);
    const specC = aSpec(['canary-c']);
    const C = revisionName('web', specC);
    cluster.object = {
      ...cluster.object,
      spec: specC,
      metadata: { ...cluster.object.metadata, generation: 3 },
    };
    await syncVirtualApp('operators/web', deps);
    expect(cluster.writes).toEqual([
      `create ${A}`,
      `status Settled(,${A})`,
      `create ${B}`,
      `status Revoking(${A},${B})`,
      `status Settled(${A},${B})`,
      `create ${C}`,
      `status Revoking(${B},${C})`,
      `delete ${A}`,
    ]);
  });

  it('records an event for each transition it wrote, and survives a recorder that fails', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    const recorded: string[] = [];
    let failing = false;
    const deps = {
      ...depsFor(cluster),
      events: {
        record: async (_object: VirtualAppObject, event: { reason: string }) => {
          if (failing) throw new Error('events are refused');
          recorded.push(event.reason);
        },
      },
    };
    await syncVirtualApp('operators/web', deps);
    await syncVirtualApp('operators/web', deps);
    cluster.object = {
      ...cluster.object,
      spec: SPEC_B,
      metadata: { ...cluster.object.metadata, generation: 2 },
    };
    await syncVirtualApp('operators/web', deps);
    await syncVirtualApp('operators/web', deps);
    cluster.object = {
      ...cluster.object,
      spec: { ...SPEC_B, selector: {} },
      metadata: { ...cluster.object.metadata, generation: 3 },
    };
    await syncVirtualApp('operators/web', deps);
    expect(recorded).toEqual(['Published', 'HandoverStarted', 'HandoverFinished', 'InvalidSpec']);
    failing = true;
    cluster.object = {
      ...cluster.object,
      spec: SPEC_A,
      metadata: { ...cluster.object.metadata, generation: 4 },
    };
    await expect(syncVirtualApp('operators/web', deps)).resolves.toBeDefined();
    expect(cluster.writes.at(-1)).toBe(`status Revoking(${B},${A})`);
  });

  it('does nothing for a VirtualApp that is gone', async () => {
    const cluster = new FakeCluster(aVirtualAppObject(SPEC_A));
    const deps = { ...depsFor(cluster), cache: { ...cluster.cache, virtualApp: () => undefined } };
    expect(await syncVirtualApp('operators/web', deps)).toBeUndefined();
    expect(cluster.writes).toEqual([]);
  });
});
