import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleToData, type CertificateBundle, readBundle } from './certificate-bundle.js';
import { planRotation } from './plan-rotation.js';

const start = Date.parse('2026-03-01T12:00:00Z');

const trusts = (trusted: readonly string[], servingPem: string) => {
  const serving = new X509Certificate(servingPem);
  return trusted.some((pem) => {
    const ca = new X509Certificate(pem);
    return serving.checkIssued(ca) && serving.verify(ca.publicKey);
  });
};

// Seconds: certificates carry whole seconds.
const timings = fc
  .record({
    validity: fc.integer({ min: 30, max: 600 }),
    renewShare: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
    overlapShare: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
  })
  .map(({ validity, renewShare, overlapShare }) => {
    const renewBefore = Math.floor(validity * renewShare);
    return {
      hosts: ['ctrlmesh-manager.ctrlmesh-system.svc'],
      validityMs: validity * 1000,
      renewBeforeMs: renewBefore * 1000,
      overlapMs: Math.max(1, Math.floor(renewBefore * overlapShare)) * 1000,
    };
  });

describe('planRotation (property)', () => {
  it('never serves a certificate that the caBundle on either side of a step does not trust, nor an expired one', () => {
    fc.assert(
      fc.property(
        timings,
        // The manager's loop ticks at most every overlap/2 (the manager enforces this).
        fc.array(fc.double({ min: 0.05, max: 0.5, noNaN: true }), { minLength: 10, maxLength: 60 }),
        (options, gaps) => {
          let now = start;
          let bundle: CertificateBundle = planRotation(undefined, now, options)!.bundle;
          for (const gap of gaps) {
            now += Math.ceil(gap * options.overlapMs);
            const stored = readBundle(bundleToData(bundle));
            expect(stored).toBeDefined();
            const step = planRotation(stored, now, options);
            if (step === undefined) continue;
            expect(step.reason).not.toBe('created');
            expect(trusts(step.bundle.trusted, bundle.serving.certPem)).toBe(true);
            expect(trusts(bundle.trusted, step.bundle.serving.certPem)).toBe(true);
            bundle = step.bundle;
            expect(Date.parse(new X509Certificate(bundle.serving.certPem).validTo)).toBeGreaterThan(
              now,
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
