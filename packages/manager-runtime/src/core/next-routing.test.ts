import { describe, expect, it } from 'vitest';
import { nextRouting } from './next-routing.js';
import type { Routing } from './views.js';

const settled = (current: string, previous?: string, generation = 1): Routing => ({
  currentRevision: current,
  ...(previous === undefined ? {} : { previousRevision: previous }),
  phase: 'Settled',
  observedGeneration: generation,
});
const revoking = (previous: string, current: string, generation = 2): Routing => ({
  currentRevision: current,
  previousRevision: previous,
  phase: 'Revoking',
  observedGeneration: generation,
});
const everyone = () => true;
const nobody = () => false;

describe('nextRouting', () => {
  it('publishes the first revision as Settled at once', () => {
    expect(nextRouting(undefined, { revision: 'A', generation: 1 }, nobody)).toEqual(settled('A'));
  });

  it('publishes nothing for an invalid first spec', () => {
    expect(nextRouting(undefined, undefined, everyone)).toBeUndefined();
  });

  it('revokes before it settles on a new revision', () => {
    expect(nextRouting(settled('A'), { revision: 'B', generation: 2 }, everyone)).toEqual(
      revoking('A', 'B'),
    );
  });

  it('settles only when every live pod reports the Revoking state', () => {
    const state = revoking('A', 'B');
    expect(nextRouting(state, { revision: 'B', generation: 2 }, nobody)).toEqual(state);
    expect(nextRouting(state, { revision: 'B', generation: 2 }, everyone)).toEqual(
      settled('B', 'A', 2),
    );
  });

  it('asks about the published Revoking state', () => {
    const asked: Routing[] = [];
    nextRouting(revoking('A', 'B'), { revision: 'B', generation: 2 }, (state) => {
      asked.push(state);
      return false;
    });
    expect(asked).toEqual([revoking('A', 'B')]);
  });

  it('replaces the revision being handed over without waiting', () => {
    expect(nextRouting(revoking('A', 'B'), { revision: 'C', generation: 3 }, nobody)).toEqual(
      revoking('A', 'C', 3),
    );
  });

  it('rolls back to the previous revision as Settled at once', () => {
    expect(nextRouting(revoking('A', 'B'), { revision: 'A', generation: 3 }, nobody)).toEqual(
      settled('A', 'B', 3),
    );
  });

  it('keeps the published state for an invalid spec, and still completes a handover', () => {
    expect(nextRouting(settled('A'), undefined, everyone)).toEqual(settled('A'));
    expect(nextRouting(revoking('A', 'B'), undefined, nobody)).toEqual(revoking('A', 'B'));
    expect(nextRouting(revoking('A', 'B'), undefined, everyone)).toEqual(settled('B', 'A', 2));
  });

  it('records the newest generation that asks for the published revision', () => {
    expect(nextRouting(settled('A'), { revision: 'A', generation: 5 }, nobody)).toEqual(
      settled('A', undefined, 5),
    );
  });
});
