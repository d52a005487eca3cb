import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundleToData, type CertificateBundle, readBundle } from './certificate-bundle.js';
import { planRotation, type RotationOptions } from './plan-rotation.js';

const start = Date.parse('2026-03-01T12:00:00Z');
const second = 1000;
const options: RotationOptions = {
  hosts: ['ctrlmesh-manager.ctrlmesh-system.svc', '127.0.0.1'],
  validityMs: 100 * second,
  renewBeforeMs: 40 * second,
  overlapMs: 10 * second,
};

const read = (bundle: CertificateBundle) => {
  const stored = readBundle(bundleToData(bundle));
  if (stored === undefined) throw new Error('bundle does not read back');
  return stored;
};

/** Whether a CA in `trusted` signed `servingPem`. */
const trusts = (trusted: readonly string[], servingPem: string) => {
  const serving = new X509Certificate(servingPem);
  return trusted.some((pem) => {
    const ca = new X509Certificate(pem);
    return serving.checkIssued(ca) && serving.verify(ca.publicKey);
  });
};

describe('planRotation', () => {
  it('creates a CA and a serving certificate when nothing is stored', () => {
    const step = planRotation(undefined, start, options);
    expect(step?.reason).toBe('created');
    const stored = read(step!.bundle);
    expect(stored.servingFromCa).toBe(true);
    expect(stored.bundle.trusted).toHaveLength(1);
    expect(stored.hosts).toEqual(options.hosts);
    expect(stored.servingNotAfter).toBe(start + options.validityMs);
  });

  it('keeps a stored bundle until the renewal time', () => {
    const created = planRotation(undefined, start, options)!.bundle;
    expect(planRotation(read(created), start + 59 * second, options)).toBeUndefined();
  });

  it('stages a new CA, then moves the serving certificate to it, then drops the old CA', () => {
    let bundle = planRotation(undefined, start, options)!.bundle;
    const steps: [number, string][] = [];
    // A tick every second for two whole rotations, as the manager's loop runs.
    for (let t = start; t <= start + 200 * second; t += second) {
      const step = planRotation(read(bundle), t, options);
      if (step === undefined) continue;
      steps.push([(t - start) / second, step.reason]);
      // Both ways across each step: the served certificate of either side is trusted by the
      // caBundle of either side, so neither a lagging replica nor a lagging apiserver fails.
      expect(trusts(step.bundle.trusted, bundle.serving.certPem), step.reason).toBe(true);
      expect(trusts(bundle.trusted, step.bundle.serving.certPem), step.reason).toBe(true);
      bundle = step.bundle;
    }
    expect(steps).toEqual([
      [60, 'ca-staged'],
      [70, 'serving-renewed'],
      [80, 'old-ca-dropped'],
      [130, 'ca-staged'],
      [140, 'serving-renewed'],
      [150, 'old-ca-dropped'],
      [200, 'ca-staged'],
    ]);
  });

  it('starts over when the serving certificate has expired (the manager was away)', () => {
    const created = planRotation(undefined, start, options)!.bundle;
    expect(planRotation(read(created), start + 100 * second, options)?.reason).toBe('created');
  });

  it('reissues the serving certificate from the trusted CA when the hosts change', () => {
    const created = planRotation(undefined, start, options)!.bundle;
    const step = planRotation(read(created), start + second, {
      ...options,
      hosts: ['other.ctrlmesh-system.svc'],
    });
    expect(step?.reason).toBe('hosts-changed');
    expect(step?.bundle.trusted).toEqual(created.trusted);
    expect(read(step!.bundle).hosts).toEqual(['other.ctrlmesh-system.svc']);
  });
});

describe('readBundle', () => {
  const created = planRotation(undefined, start, options)!.bundle;

  it('refuses a bundle whose parts do not belong together', () => {
    const other = planRotation(undefined, start, options)!.bundle;
    expect(readBundle(undefined)).toBeUndefined();
    expect(
      readBundle({ ...bundleToData(created), 'tls.key': other.serving.keyPem }),
    ).toBeUndefined();
    expect(
      readBundle({ ...bundleToData(created), 'ca-bundle.crt': other.ca.certPem }),
    ).toBeUndefined();
    expect(readBundle({ ...bundleToData(created), 'ca.crt': 'not a certificate' })).toBeUndefined();
    const { 'ca.key': _dropped, ...missing } = bundleToData(created);
    expect(readBundle(missing)).toBeUndefined();
  });

  it('reads back what it wrote', () => {
    expect(read(created).bundle).toEqual(created);
  });
});
