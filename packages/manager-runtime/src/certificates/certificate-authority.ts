import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { der } from '@ctrlmesh/runtime-support';

const { bits, explicit, integer, octets, oid, sequence, set, TRUE, time, tlv, utf8 } = der;

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

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const name = (commonName: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));
const extension = (id: string, value: Buffer, critical = false) =>
  sequence(oid(id), ...(critical ? [TRUE] : []), octets(value));
// Any stable digest of the key identifies it (RFC 5280 §4.2.1.2); the subject key identifier lets
// a verifier pick the right CA when an old and a new one are trusted during a rotation.
const keyIdOf = (spki: Buffer) => createHash('sha1').update(spki).digest();

const ipBytes = (ip: string): Buffer => {
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

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END CERTIFICATE-----\n`;

interface Draft {
  readonly subject: string;
  readonly issuer: string;
  readonly spki: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: Buffer[];
  readonly signingKeyPem: string;
}

const build = (draft: Draft): string => {
  // Positive, and 16 bytes long in its minimal DER form (RFC 5280 §4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_WITH_SHA256,
    name(draft.issuer),
    sequence(time(draft.notBefore), time(draft.notAfter)),
    name(draft.subject),
    draft.spki,
    explicit(3, sequence(...draft.extensions)),
  );
  const signature = sign('sha256', tbs, createPrivateKey(draft.signingKeyPem));
  return pem(sequence(tbs, ECDSA_WITH_SHA256, bits(signature)));
};

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
  const certPem = build({
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
    signingKeyPem: keyPem,
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
  const altNames = sequence(
    ...hosts.map((host) =>
      isIPv4(host) || isIPv6(host) ? tlv(0x87, ipBytes(host)) : tlv(0x82, Buffer.from(host)),
    ),
  );
  const certPem = build({
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
      extension('2.5.29.17', altNames),
      // authorityKeyIdentifier: [0] keyIdentifier of the signing CA.
      extension('2.5.29.35', sequence(tlv(0x80, keyIdOf(caSpki)))),
    ],
    signingKeyPem: ca.keyPem,
  });
  return { certPem, keyPem };
};
