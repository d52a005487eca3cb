import { generateKeyPairSync } from 'node:crypto';
import { der, x509 } from '@ctrlmesh/runtime-support';

/** A serving certificate and its key, PEM; the certificate is its own CA (trust it as `ca.crt`). */
export interface SelfSignedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Makes a self-signed ECDSA P-256 serving certificate for `hosts` (IP addresses and DNS names), valid
 * from an hour ago for `days`. It is its own CA (basicConstraints CA), so controllers trust it by
 * mounting it as their `ca.crt`.
 */
export const selfSignedCertificate = (
  hosts: readonly string[],
  now: Date = new Date(),
  days = 365,
): SelfSignedCertificate => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const certPem = x509.signCertificate({
    subject: 'ctrlmesh-proxy',
    issuer: 'ctrlmesh-proxy',
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + days * 86_400_000),
    extensions: [
      x509.extension('2.5.29.17', x509.subjectAltNames(hosts)),
      // serverAuth.
      x509.extension('2.5.29.37', der.sequence(der.oid('1.3.6.1.5.5.7.3.1'))),
      x509.extension('2.5.29.19', der.sequence(der.TRUE), true),
    ],
    signingKey: privateKey,
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
};
