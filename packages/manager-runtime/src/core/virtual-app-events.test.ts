import type { VirtualAppStatus } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import type { Reconciliation } from './reconcile-virtual-app.js';
import { virtualAppEvents } from './virtual-app-events.js';

const refused = (message: string): VirtualAppStatus => ({
  conditions: [{ type: 'Accepted', status: 'False', reason: 'InvalidSpec', message }],
});
const acceptedStatus: VirtualAppStatus = {
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Valid' }],
};
const decision = (over: Partial<Reconciliation>): Reconciliation => ({
  status: acceptedStatus,
  deleteRevisions: [],
  ...over,
});

describe('virtualAppEvents', () => {
  it('reports the first publication, a handover starting and a handover finishing', () => {
    expect(
      virtualAppEvents(
        undefined,
        decision({
          published: { currentRevision: 'web-a', phase: 'Settled', observedGeneration: 1 },
        }),
      ),
    ).toEqual([{ type: 'Normal', reason: 'Published', message: 'revision web-a is published' }]);
    expect(
      virtualAppEvents(
        acceptedStatus,
        decision({
          published: {
            currentRevision: 'web-b',
            previousRevision: 'web-a',
            phase: 'Revoking',
            observedGeneration: 2,
          },
        }),
      ),
    ).toEqual([
      {
        type: 'Normal',
        reason: 'HandoverStarted',
        message: 'revision web-b replaces web-a: waiting for every live pod to apply Revoking',
      },
    ]);
    expect(
      virtualAppEvents(
        acceptedStatus,
        decision({
          published: {
            currentRevision: 'web-b',
            previousRevision: 'web-a',
            phase: 'Settled',
            observedGeneration: 2,
          },
          handoverMs: 4_000,
        }),
      ),
    ).toEqual([
      { type: 'Normal', reason: 'HandoverFinished', message: 'revision web-b is settled after 4s' },
    ]);
  });

  it('warns once about a refused spec, and again only when the problems change', () => {
    const first = virtualAppEvents(
      acceptedStatus,
      decision({ status: refused('spec.selector: x') }),
    );
    expect(first).toEqual([
      { type: 'Warning', reason: 'InvalidSpec', message: 'spec.selector: x' },
    ]);
    expect(
      virtualAppEvents(
        refused('spec.selector: x'),
        decision({ status: refused('spec.selector: x') }),
      ),
    ).toEqual([]);
    expect(
      virtualAppEvents(
        refused('spec.selector: x'),
        decision({ status: refused('spec.subsets: y') }),
      ),
    ).toHaveLength(1);
  });

  it('says nothing when nothing was published or refused', () => {
    expect(virtualAppEvents(acceptedStatus, decision({}))).toEqual([]);
  });
});
