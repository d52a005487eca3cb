import { describe, expect, it } from 'vitest';
import { parseFaultInjection } from './parse-fault-injection.js';

const injection = (faults: unknown[]) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'FaultInjection',
  metadata: { name: 'chaos', namespace: 'ops' },
  spec: {
    targetVirtualApps: [{ name: 'sample', specificSubsets: ['(default)', 'canary'] }],
    faults,
  },
});

const problemsOf = (input: unknown) => {
  const result = parseFaultInjection(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('parseFaultInjection', () => {
  it('accepts one fault of each kind and fills in the defaults', () => {
    const result = parseFaultInjection(
      injection([
        { name: 'slow', probability: 0.1, delay: { minMilliseconds: 10, maxMilliseconds: 50 } },
        { name: 'conflicts', probability: 0.2, maxCount: 100, abort: { code: 409 } },
        { name: 'cut', probability: 1, watch: { afterEvents: 50 } },
        {
          name: 'lists',
          probability: 1,
          slowList: { perItemMilliseconds: 2, maxMilliseconds: 5000 },
        },
        { name: 'deny', probability: 0.5, admission: { deny: { message: 'chaos' } } },
        {
          name: 'office-hours',
          probability: 1,
          windows: [{ start: '2026-12-04T09:00:00Z', end: '2026-12-04T17:00:00+01:00' }],
          abort: { code: 429, retryAfterSeconds: 2 },
        },
      ]),
    );
    expect(result.ok && result.value.spec.faults.map((f) => [f.watch, f.admission])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [{ afterEvents: 50, end: 'Expired' }, undefined],
      [undefined, undefined],
      [undefined, { deny: { message: 'chaos', code: 403 } }],
      [undefined, undefined],
    ]);
  });

  it('reports every problem at once, each with its path', () => {
    expect(
      problemsOf(
        injection([
          { name: 'none', probability: 0.5 },
          { name: 'two', probability: 0.5, delay: { milliseconds: 1 }, abort: { code: 500 } },
          { name: 'range', probability: 0.5, delay: { minMilliseconds: 9, maxMilliseconds: 1 } },
          { name: 'mixed', probability: 0.5, abort: { code: 409, reason: 'InternalError' } },
          { name: 'teapot', probability: 0.5, abort: { code: 418 } },
          { name: 'watch', probability: 0.5, watch: {} },
          {
            name: 'windows',
            probability: 0.5,
            delay: { milliseconds: 1 },
            windows: [
              {},
              { start: 'tomorrow' },
              { start: '2026-12-05T00:00:00Z', end: '2026-12-04T00:00:00Z' },
            ],
          },
          {
            name: 'admission',
            probability: 0.5,
            match: [{ verbs: ['get'], nonResourcePaths: ['/x'] }],
            admission: { delay: { milliseconds: 1 }, deny: { message: 'no' } },
          },
          { name: 'odds', probability: 1.5, delay: { milliseconds: 1 } },
        ]),
      ),
    ).toEqual([
      'spec.faults[8].probability: Too big: expected number to be <=1',
      'spec.faults[0]: set exactly one of delay, abort, watch, slowList, admission',
      'spec.faults[1]: set exactly one of delay, abort, watch, slowList, admission (found delay, abort)',
      'spec.faults[2].delay: minMilliseconds 9 is more than maxMilliseconds 1',
      'spec.faults[3].abort.reason: reason InternalError goes with code 500, not 409; clients read the two differently',
      'spec.faults[4].abort.reason: code 418 has no standard reason; set reason',
      'spec.faults[5].watch: set afterEvents, afterSeconds or both',
      'spec.faults[6].windows[0]: a window needs start, end or both',
      'spec.faults[6].windows[1].start: "tomorrow" is not an RFC 3339 time (2026-12-04T17:00:00Z)',
      'spec.faults[6].windows[2]: start must be before end',
      'spec.faults[7].match[0].verbs: verbs cannot be combined with nonResourcePaths',
      'spec.faults[7].admission: set exactly one of delay, deny',
      'spec.faults[7].match[0].nonResourcePaths: admission reviews are about resources; nonResourcePaths never match',
      'spec.faults[7].match[0].verbs[0]: admission reviews are only create, update and delete, not get',
    ]);
  });

  it('needs at least one target', () => {
    expect(problemsOf({ ...injection([]), spec: { targetVirtualApps: [], faults: [] } })).toEqual([
      'spec.targetVirtualApps: targetVirtualApps must name at least one VirtualApp',
    ]);
  });
});
