import { type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bits,
  explicit,
  integer,
  octets,
  oid,
  sequence,
  set,
  TRUE,
  time,
  tlv,
  utf8,
} from '../der/der.js';

/** What a certificate says, before it is signed (ECDSA with SHA-256: the key must be EC). */
export interface CertificateDraft {
  /** The subject's common name. */
  readonly subject: string;
  /** The issuer's common name (the subject's own for a self-signed certificate). */
  readonly issuer: string;
  /** The subject's public key, DER SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Each made with {@link extension}. */
  readonly extensions: readonly Buffer[];
  /** The issuer's private key. */
  readonly signingKey: KeyObject;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const commonName = (name: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(name))));

/** An X.509 v3 extension (RFC 5280 §4.1): its OID, whether it is critical, and its DER value. */
export const extension = (id: string, value: Buffer, critical = false): Buffer =>
  sequence(oid(id), ...(critical ? [TRUE] : []), octets(value));

/** An IPv4 or IPv6 address as the 4 or 16 bytes of an iPAddress name. */
export const ipAddressBytes = (ip: string): Buffer => {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = ip.includes('::')
    ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)]
    : groups(ip);
  return Buffer.from(
    all.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]),
  );
};

/** The subjectAltName extension's value for `hosts`: IP addresses as such, the rest as DNS names. */
export const subjectAltNames = (hosts: readonly string[]): Buffer =>
  sequence(
    ...hosts.map((host) =>
      isIPv4(host) || isIPv6(host) ? tlv(0x87, ipAddressBytes(host)) : tlv(0x82, Buffer.from(host)),
    ),
  );

const pem = (certificate: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${certificate
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END CERTIFICATE-----\n`;

/**
 * Signs `draft` as an X.509 v3 certificate (ECDSA with SHA-256) and returns it as PEM, with a
 * random serial number. Node has no certificate builder, so the DER is assembled here; both
 * runtimes make theirs with it (the manager its webhook CA, the proxy its serving certificate).
 */
export const signCertificate = (draft: CertificateDraft): string => {
  // Positive, and 16 bytes long in its minimal DER form (RFC 5280 §4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_WITH_SHA256,
    commonName(draft.issuer),
    sequence(time(draft.notBefore), time(draft.notAfter)),
    commonName(draft.subject),
    draft.spki,
    explicit(3, sequence(...draft.extensions)),
  );
  return pem(sequence(tbs, ECDSA_WITH_SHA256, bits(sign('sha256', tbs, draft.signingKey))));
};
