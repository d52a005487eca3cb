import { describe, expect, it } from 'vitest';
import { conditionHealthy, ROUTES_APPLIED, statusReport } from './virtual-app-status.js';

const app = {
  metadata: { name: 'web', namespace: 'ops', generation: 3 },
  spec: { selector: { matchLabels: { app: 'web' } } },
};

const pod = (name: string, conditions: { type: string; status: string; reason?: string }[]) => ({
  metadata: { name, labels: { app: 'web' } },
  status: { conditions },
});

describe('the status of a VirtualApp', () => {
  it('is healthy when True, except for Progressing and Degraded, healthy when False', () => {
    expect(conditionHealthy({ type: 'Accepted', status: 'True' })).toBe(true);
    expect(conditionHealthy({ type: 'Available', status: 'Unknown' })).toBe(false);
    expect(conditionHealthy({ type: 'Progressing', status: 'False' })).toBe(true);
    expect(conditionHealthy({ type: 'Degraded', status: 'True' })).toBe(false);
  });

  it('has every selected pod behind, and says so, before the manager publishes anything', () => {
    const report = statusReport(app, [pod('web-0', [{ type: 'Ready', status: 'False' }])]);
    expect(report).toMatchObject({
      settled: false,
      issues: ['no revision published yet', '1 of 1 pods not on the published state'],
      podsBehind: [{ name: 'web-0', ready: false, routesApplied: undefined }],
    });
  });

  it('counts a proxy that reports False as behind, and a generation not yet observed', () => {
    const report = statusReport(
      {
        ...app,
        status: {
          observedGeneration: 2,
          routing: { currentRevision: 'web-1', phase: 'Settled', observedGeneration: 2 },
        },
      },
      [
        pod('web-0', [{ type: ROUTES_APPLIED, status: 'False', reason: 'RevisionNotFound' }]),
        pod('web-1', [
          { type: ROUTES_APPLIED, status: 'True', reason: 'Settled', message: 'web-1' } as never,
        ]),
      ],
    );
    expect(report.issues).toEqual([
      'generation 3 not yet observed',
      '1 of 2 pods not on the published state',
    ]);
    expect(report.podsBehind.map((p) => p.routesApplied?.reason)).toEqual(['RevisionNotFound']);
  });

  it('selects no pod when the selector cannot be read', () => {
    const report = statusReport({ ...app, spec: { selector: { matchLabels: { 'a b': 'c' } } } }, [
      pod('web-0', []),
    ]);
    expect(report.pods).toBe(0);
  });
});
