import { createPrivateKey, X509Certificate } from 'node:crypto';
import { BACKDATE_MS, type KeyPair } from './certificate-authority.js';

/**
 * What the webhook Secret holds: the CA that signs (the newest), the serving certificate, and every
 * CA the webhook configurations must trust (`caBundle`), which during a rotation is the old and the
 * new CA.
 */
export interface CertificateBundle {
  readonly ca: KeyPair;
  readonly serving: KeyPair;
  /** PEM certificates, oldest first. */
  readonly trusted: readonly string[];
}

/** The Secret's keys (`tls.crt`/`tls.key` as a `kubernetes.io/tls` Secret names them). */
export const SECRET_KEYS = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'tls.crt',
  servingKey: 'tls.key',
  trusted: 'ca-bundle.crt',
} as const;

/** A bundle as Secret `data` values (text; the store base64-encodes). */
export const bundleToData = (bundle: CertificateBundle): Record<string, string> => ({
  [SECRET_KEYS.caCert]: bundle.ca.certPem,
  [SECRET_KEYS.caKey]: bundle.ca.keyPem,
  [SECRET_KEYS.servingCert]: bundle.serving.certPem,
  [SECRET_KEYS.servingKey]: bundle.serving.keyPem,
  [SECRET_KEYS.trusted]: bundle.trusted.join(''),
});

/** Splits concatenated PEM certificates. */
export const splitPem = (text: string): string[] =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)].map(
    ([block]) => (block.endsWith('\n') ? block : `${block}\n`),
  );

/** A bundle read back and checked, with the facts rotation decides on. */
export interface ReadBundle {
  readonly bundle: CertificateBundle;
  /** When the signing CA was made (its notBefore plus the backdate). */
  readonly caMadeAt: number;
  readonly caNotAfter: number;
  readonly servingMadeAt: number;
  readonly servingNotAfter: number;
  /** Whether the signing CA issued the serving certificate (false while a new CA is staged). */
  readonly servingFromCa: boolean;
  /** The serving certificate's names: DNS names and IP addresses. */
  readonly hosts: readonly string[];
}

/**
 * Reads a bundle from Secret data and checks that it holds together: every part parses, each key
 * belongs to its certificate, the signing CA is trusted and a trusted CA issued the serving
 * certificate. Anything else (a missing key, an edited Secret) is `undefined`: the leader then
 * makes a new bundle rather than serve or trust half of one.
 */
export const readBundle = (
  data: Readonly<Record<string, string | undefined>> | undefined,
): ReadBundle | undefined => {
  if (data === undefined) return undefined;
  try {
    const text = (key: string) => {
      const value = data[key];
      if (value === undefined || value === '') throw new Error(`${key} is missing`);
      return value;
    };
    const ca = { certPem: text(SECRET_KEYS.caCert), keyPem: text(SECRET_KEYS.caKey) };
    const serving = {
      certPem: text(SECRET_KEYS.servingCert),
      keyPem: text(SECRET_KEYS.servingKey),
    };
    const trusted = splitPem(text(SECRET_KEYS.trusted));
    const caCert = new X509Certificate(ca.certPem);
    const servingCert = new X509Certificate(serving.certPem);
    const trustedCerts = trusted.map((pem) => new X509Certificate(pem));
    if (!caCert.checkPrivateKey(createPrivateKey(ca.keyPem))) return undefined;
    if (!servingCert.checkPrivateKey(createPrivateKey(serving.keyPem))) return undefined;
    if (!trustedCerts.some((cert) => cert.raw.equals(caCert.raw))) return undefined;
    const issuedBy = (issuer: X509Certificate) =>
      servingCert.checkIssued(issuer) && servingCert.verify(issuer.publicKey);
    if (!trustedCerts.some(issuedBy)) return undefined;
    return {
      bundle: { ca, serving, trusted },
      caMadeAt: Date.parse(caCert.validFrom) + BACKDATE_MS,
      caNotAfter: Date.parse(caCert.validTo),
      servingMadeAt: Date.parse(servingCert.validFrom) + BACKDATE_MS,
      servingNotAfter: Date.parse(servingCert.validTo),
      servingFromCa: issuedBy(caCert),
      hosts: (servingCert.subjectAltName ?? '')
        .split(', ')
        .map((name) => name.replace(/^(DNS|IP Address):/, ''))
        .filter((name) => name !== ''),
    };
  } catch {
    return undefined;
  }
};
