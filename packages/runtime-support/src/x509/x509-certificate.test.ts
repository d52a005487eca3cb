import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sequence, TRUE } from '../der/der.js';
import { extension, ipAddressBytes, signCertificate, subjectAltNames } from './x509-certificate.js';

const key = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describe('signCertificate', () => {
  it('makes a certificate Node parses, signed by the key given, with what the draft says', () => {
    const { publicKey, privateKey } = key();
    const pem = signCertificate({
      subject: 'ctrlmesh-test',
      issuer: 'ctrlmesh-test',
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2051-01-01T00:00:00Z'),
      extensions: [
        extension('2.5.29.17', subjectAltNames(['localhost', '127.0.0.1', '::1', 'fd00::a:1'])),
        extension('2.5.29.19', sequence(TRUE), true),
      ],
      signingKey: privateKey,
    });
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe('CN=ctrlmesh-test');
    expect(cert.issuer).toBe('CN=ctrlmesh-test');
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:0:0:0:0:0:A:1',
    );
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    // After 2049 the time is a GeneralizedTime (RFC 5280 §4.1.2.5).
    expect(new Date(cert.validTo).toISOString()).toBe('2051-01-01T00:00:00.000Z');
    // A positive serial of 16 bytes.
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });

  it('gives every certificate its own serial', () => {
    const { publicKey, privateKey } = key();
    const draft = {
      subject: 'a',
      issuer: 'a',
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      notBefore: new Date(0),
      notAfter: new Date(86_400_000),
      extensions: [],
      signingKey: privateKey,
    };
    const serials = new Set(
      [1, 2, 3].map(() => new X509Certificate(signCertificate(draft)).serialNumber),
    );
    expect(serials.size).toBe(3);
  });
});

describe('ipAddressBytes', () => {
  it('writes IPv4 as 4 bytes and IPv6, :: expanded, as 16', () => {
    expect([...ipAddressBytes('10.0.0.1')]).toEqual([10, 0, 0, 1]);
    expect(ipAddressBytes('::1')).toEqual(Buffer.from([...Array(15).fill(0), 1]));
    expect(ipAddressBytes('fd00::a:1').toString('hex')).toBe(
      ['fd00', '0000', '0000', '0000', '0000', '0000', '000a', '0001'].join(''),
    );
  });
});
