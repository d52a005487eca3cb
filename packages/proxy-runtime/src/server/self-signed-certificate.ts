import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A serving certificate and its key, PEM; the certificate is its own CA (trust it as `ca.crt`). */
export interface SelfSignedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

// Minimal DER (X.690) encoding: just what an X.509 v3 certificate needs.
const tlv = (tag: number, content: Buffer): Buffer => {
  if (content.length < 0x80) return Buffer.concat([Buffer.from([tag, content.length]), content]);
  const length: number[] = [];
  for (let n = content.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), content]);
};
const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const integer = (bytes: Buffer) =>
  tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const octets = (bytes: Buffer) => tlv(0x04, bytes);
const bits = (bytes: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const TRUE = tlv(0x01, Buffer.from([0xff]));
const oid = (dotted: string): Buffer => {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) base128.unshift((n & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
};
// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
const time = (date: Date): Buffer => {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
};
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
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
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
