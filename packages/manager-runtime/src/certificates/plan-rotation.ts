import { createCertificateAuthority, issueServingCertificate } from './certificate-authority.js';
import type { CertificateBundle, ReadBundle } from './certificate-bundle.js';

/** How long certificates live and when they are replaced. */
export interface RotationOptions {
  /** The names the serving certificate must carry (DNS names, IP addresses). */
  readonly hosts: readonly string[];
  /** A serving certificate's lifetime; a CA lives twice as long, so it outlives what it signs. */
  readonly validityMs: number;
  /** A new CA is staged this long before the serving certificate expires. */
  readonly renewBeforeMs: number;
  /**
   * How long each step of a rotation waits for the one before to be seen everywhere: the apiserver
   * to trust a staged CA before the serving certificate moves to it, and every replica to serve the
   * new certificate before the old CA stops being trusted.
   */
  readonly overlapMs: number;
}

/** The next bundle and why, or `undefined` when the stored one stays. */
export interface RotationStep {
  readonly bundle: CertificateBundle;
  readonly reason: 'created' | 'ca-staged' | 'serving-renewed' | 'old-ca-dropped' | 'hosts-changed';
}

const fresh = (now: number, options: RotationOptions): CertificateBundle => {
  const ca = createCertificateAuthority(now, 2 * options.validityMs);
  const serving = issueServingCertificate(ca, options.hosts, now, options.validityMs);
  return { ca, serving, trusted: [ca.certPem] };
};

const sameHosts = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((host) => b.includes(host));

// IPv6 addresses come back from the certificate expanded; compare them as written by the user.
const normalHost = (host: string) =>
  host.includes(':')
    ? host
        .split(':')
        .map((g) => g.replace(/^0+(?=.)/, ''))
        .join(':')
    : host;

/**
 * One step of the certificate lifecycle, decided from the stored bundle and `now`:
 *
 * 1. nothing usable stored, or the serving certificate already expired: a new CA and certificate;
 * 2. `renewBeforeMs` before the serving certificate expires: a new CA is **staged**, trusted next to
 *    the old one, while the old certificate is still served;
 * 3. `overlapMs` after staging: the serving certificate is reissued by the new CA;
 * 4. `overlapMs` after that: the old CA is no longer trusted.
 *
 * So the apiserver always trusts the certificate every replica serves. A change of hosts reissues
 * the serving certificate at once from the current (already trusted) CA.
 */
export const planRotation = (
  stored: ReadBundle | undefined,
  now: number,
  options: RotationOptions,
): RotationStep | undefined => {
  if (stored === undefined || now >= stored.servingNotAfter) {
    return { bundle: fresh(now, options), reason: 'created' };
  }
  const { bundle } = stored;
  if (!stored.servingFromCa) {
    if (now < stored.caMadeAt + options.overlapMs) return undefined;
    const serving = issueServingCertificate(bundle.ca, options.hosts, now, options.validityMs);
    return { bundle: { ...bundle, serving }, reason: 'serving-renewed' };
  }
  if (bundle.trusted.length > 1) {
    if (now < stored.servingMadeAt + options.overlapMs) return undefined;
    return { bundle: { ...bundle, trusted: [bundle.ca.certPem] }, reason: 'old-ca-dropped' };
  }
  const caTooOld = stored.caNotAfter - now < options.validityMs + options.overlapMs;
  if (stored.servingNotAfter - now <= options.renewBeforeMs || caTooOld) {
    const ca = createCertificateAuthority(now, 2 * options.validityMs);
    return {
      bundle: { ...bundle, ca, trusted: [...bundle.trusted, ca.certPem] },
      reason: 'ca-staged',
    };
  }
  if (!sameHosts(stored.hosts.map(normalHost), options.hosts.map(normalHost))) {
    const serving = issueServingCertificate(bundle.ca, options.hosts, now, options.validityMs);
    return { bundle: { ...bundle, serving }, reason: 'hosts-changed' };
  }
  return undefined;
};
