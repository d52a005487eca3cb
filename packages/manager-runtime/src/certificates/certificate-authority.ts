import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { der, x509 } from '@ctrlmesh/runtime-support';

const { integer, octets, oid, sequence, TRUE, tlv } = der;
const { extension, signCertificate, subjectAltNames } = x509;

/** A certificate and its private key, PEM. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Certificates start this long before they are made: an apiserver whose clock runs a little behind
 * the manager's must not see a certificate that is not valid yet.
 */
export const BACKDATE_MS = 5 * 60_000;

// Any stable digest of the key identifies it (RFC 5280 §4.2.1.2); the subject key identifier lets
// a verifier pick the right CA when an old and a new one are trusted during a rotation.
const keyIdOf = (spki: Buffer) => createHash('sha1').update(spki).digest();

const newKey = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

/**
 * Makes a CA (ECDSA P-256) valid from {@link BACKDATE_MS} before `now` for `validityMs`, named
 * `ctrlmesh-webhook-ca@<seconds since the epoch>` so that two CAs trusted at once differ by name too.
 */
export const createCertificateAuthority = (now: number, validityMs: number): KeyPair => {
  const { spki, keyPem } = newKey();
  const subject = `ctrlmesh-webhook-ca@${Math.floor(now / 1000)}`;
  const certPem = signCertificate({
    subject,
    issuer: subject,
    spki,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + validityMs),
    extensions: [
      // CA, may sign serving certificates only (path length 0).
      extension('2.5.29.19', sequence(TRUE, integer(Buffer.from([0]))), true),
      // keyCertSign and cRLSign.
      extension('2.5.29.15', tlv(0x03, Buffer.from([1, 0x06])), true),
      extension('2.5.29.14', octets(keyIdOf(spki))),
    ],
    signingKey: createPrivateKey(keyPem),
  });
  return { certPem, keyPem };
};

/**
 * Issues a serving certificate (ECDSA P-256, server auth) for `hosts` (DNS names and IP addresses;
 * the first is the common name), signed by `ca`, valid from {@link BACKDATE_MS} before `now` for
 * `validityMs`.
 */
export const issueServingCertificate = (
  ca: KeyPair,
  hosts: readonly string[],
  now: number,
  validityMs: number,
): KeyPair => {
  const caCert = new X509Certificate(ca.certPem);
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  const caSubject = caCert.subject.replace(/^CN=/, '');
  const { spki, keyPem } = newKey();
  const certPem = signCertificate({
    subject: hosts[0] ?? 'ctrlmesh-webhook',
    issuer: caSubject,
    spki,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + validityMs),
    extensions: [
      extension('2.5.29.19', sequence(), true),
      // digitalSignature: what an ECDHE-ECDSA handshake needs.
      extension('2.5.29.15', tlv(0x03, Buffer.from([7, 0x80])), true),
      extension('2.5.29.37', sequence(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', subjectAltNames(hosts)),
      // authorityKeyIdentifier: [0] keyIdentifier of the signing CA.
      extension('2.5.29.35', sequence(tlv(0x80, keyIdOf(caSpki)))),
    ],
    signingKey: createPrivateKey(ca.keyPem),
  });
  return { certPem, keyPem };
};
