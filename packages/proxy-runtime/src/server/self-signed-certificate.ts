import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { der } from '@ctrlmesh/runtime-support';

const { bits, explicit, integer, octets, oid, sequence, set, TRUE, time, tlv } = der;

/** A serving certificate and its key, PEM; the certificate is its own CA (trust it as `ca.crt`). */
export interface SelfSignedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const ipBytes = (ip: string): Buffer =>
  isIP(ip) === 4
    ? Buffer.from(ip.split('.').map(Number))
    : Buffer.from(
        ip
          .replace('::', `:${'0:'.repeat(8 - ip.split(':').filter(Boolean).length)}`)
          .split(':')
          .filter(Boolean)
          .flatMap((group) => [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff]),
      );

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

/**
 * Makes a self-signed ECDSA P-256 serving certificate for `hosts` (IP addresses and DNS names), valid
 * from an hour ago for `days`. It is its own CA (basicConstraints CA), so controllers trust it by
 * mounting it as their `ca.crt`. Node has no certificate builder, so the DER is assembled here.
 */
export const selfSignedCertificate = (
  hosts: readonly string[],
  now: Date = new Date(),
  days = 365,
): SelfSignedCertificate => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from('ctrlmesh-proxy')))));
  const altNames = sequence(
    ...hosts.map((host) => (isIP(host) ? tlv(0x87, ipBytes(host)) : tlv(0x82, Buffer.from(host)))),
  );
  const extensions = explicit(
    3,
    sequence(
      sequence(oid('2.5.29.17'), octets(altNames)),
      sequence(oid('2.5.29.37'), octets(sequence(oid('1.3.6.1.5.5.7.3.1')))),
      sequence(oid('2.5.29.19'), TRUE, octets(sequence(TRUE))),
    ),
  );
  const notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now.getTime() + days * 86_400_000);
  // Positive, and 16 bytes long in its minimal DER form (RFC 5280 §4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, bits(sign('sha256', tbs, privateKey)));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
