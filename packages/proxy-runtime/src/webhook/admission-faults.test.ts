import { ManualClock } from '@ctrlmesh/runtime-support/testing';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { NO_POLICIES, StaticPolicies } from '../policies/policy-store.js';
import { aFaultInjection, policiesFor } from '../test-support/policies.js';
import { admissionFaults, reviewedRequest } from './admission-faults.js';
import type { AdmissionRequest } from './admission-review.js';

const namespaces = new StaticNamespaceLabels({ plain: {} });
const review = (operation: string): AdmissionRequest => ({
  uid: 'u',
  operation,
  resource: { group: '', version: 'v1', resource: 'configmaps' },
  namespace: 'plain',
  name: 'x',
});

describe('admissionFaults', () => {
  it('reads the operation as the verb a rule names', () => {
    expect(reviewedRequest(review('UPDATE'))).toMatchObject({
      kind: 'resource',
      verb: 'update',
      resource: 'configmaps',
      namespace: 'plain',
      name: 'x',
    });
    expect(reviewedRequest(review('CONNECT')).verb).toBe('unknown');
  });

  it('denies the reviews a fault matches with its Status, and lets the others be decided', async () => {
    const faults = admissionFaults({
      policies: policiesFor([
        aFaultInjection('freeze', [
          {
            name: 'no-deletes',
            probability: 1,
            match: [{ verbs: ['delete'] }],
            admission: { deny: { message: 'deletes are frozen' } },
          },
        ]),
      ]),
      namespaces,
    });
    expect(await faults(review('DELETE'))).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'deletes are frozen',
    });
    expect(await faults(review('CREATE'))).toBeUndefined();
  });

  it('delays a review on its clock, then lets it be decided', async () => {
    const clock = new ManualClock();
    const faults = admissionFaults({
      policies: policiesFor([
        aFaultInjection('slow', [
          { name: 'slow', probability: 1, admission: { delay: { milliseconds: 2_000 } } },
        ]),
      ]),
      namespaces,
      clock,
    });
    const answer = faults(review('CREATE'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.waiting).toEqual([2_000]);
    await clock.advance(2_000);
    expect(await answer).toBeUndefined();
  });

  it('does nothing without policies', async () => {
    const faults = admissionFaults({ policies: new StaticPolicies(NO_POLICIES), namespaces });
    expect(await faults(review('DELETE'))).toBeUndefined();
  });
});
