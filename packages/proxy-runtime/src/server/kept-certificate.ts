import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { SelfSignedCertificate } from './self-signed-certificate.js';

/**
 * A kept certificate is reused only while it has at least this many days left: a proxy that starts
 * then runs for weeks still serves a valid one, and renewal happens at a restart, not at expiry.
 */
export const MIN_REMAINING_DAYS = 30;

/** What to do with a kept self-signed certificate: serve it again, or make a new one and why. */
export type KeptCertificateVerdict =
  | { readonly reuse: true; readonly certificate: SelfSignedCertificate }
  | { readonly reuse: false; readonly reason: string };

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----\r?\n?/;
const KEY_PEM = /-----BEGIN PRIVATE KEY-----\r?\n[\s\S]*?-----END PRIVATE KEY-----\r?\n?/;

/** The content of a kept-certificate file: the certificate's PEM, then its key's. */
export const keptCertificateFile = ({ certPem, keyPem }: SelfSignedCertificate): string =>
  `${certPem}${keyPem}`;

const makeNew = (reason: string): KeptCertificateVerdict => ({ reuse: false, reason });

// One line, whatever OpenSSL said.
const message = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();

// The certificate names exactly `hosts`: each one (IP or DNS), and no other subject alternative name.
const namesExactly = (cert: X509Certificate, hosts: readonly string[]): boolean => {
  const wanted = [...new Set(hosts)];
  const names = cert.subjectAltName?.split(', ') ?? [];
  return (
    names.length === wanted.length &&
    wanted.every((host) =>
      isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined,
    )
  );
};

const judge = (
  content: string,
  hosts: readonly string[],
  now: Date,
  minRemainingDays: number,
): KeptCertificateVerdict => {
  const certPem = CERTIFICATE_PEM.exec(content)?.[0];
  if (certPem === undefined) return makeNew('it holds no PEM certificate');
  const keyPem = KEY_PEM.exec(content)?.[0];
  if (keyPem === undefined) return makeNew('it holds no PEM private key');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    return makeNew(`its certificate cannot be read: ${message(error)}`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    return makeNew(`its private key cannot be read: ${message(error)}`);
  }
  if (!cert.checkPrivateKey(key)) return makeNew('its private key does not match its certificate');
  // The controller trusts it as its own CA: it must sign itself (an altered one would not).
  if (!cert.ca || !cert.verify(cert.publicKey))
    return makeNew('its certificate is not a self-signed CA');
  if (!namesExactly(cert, hosts))
    return makeNew(
      `its certificate names ${cert.subjectAltName ?? 'no hosts'}, not ${[...new Set(hosts)].join(', ')}`,
    );
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validTo.getTime()))
    return makeNew('its certificate has no readable validity');
  if (validFrom > now) return makeNew(`its certificate is valid only from ${cert.validFrom}`);
  const renewAt = validTo.getTime() - minRemainingDays * 86_400_000;
  if (now.getTime() >= renewAt)
    return makeNew(
      `its certificate expires ${cert.validTo}, less than ${minRemainingDays} days from now`,
    );
  return { reuse: true, certificate: { certPem, keyPem } };
};

/**
 * Decides whether the self-signed certificate kept in a file (`content`, as
 * {@link keptCertificateFile} wrote it) can serve again: its key matches, it is a self-signed CA,
 * it names exactly `hosts`, and it stays valid at least `minRemainingDays` after `now`. Anything
 * else, garbled or truncated content included, is "make a new one" with a one-line reason; it never
 * throws.
 */
export const judgeKeptCertificate = (
  content: string,
  hosts: readonly string[],
  now: Date,
  minRemainingDays = MIN_REMAINING_DAYS,
): KeptCertificateVerdict => {
  try {
    return judge(content, hosts, now, minRemainingDays);
  } catch (error) {
    // Node's X.509 accessors are not documented never to throw; a bad file is never fatal.
    return makeNew(`it cannot be used: ${message(error)}`);
  }
};
