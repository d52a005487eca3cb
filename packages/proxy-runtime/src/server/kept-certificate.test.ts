import { describe, expect, it } from 'vitest';
import { judgeKeptCertificate, keptCertificateFile } from './kept-certificate.js';
import { selfSignedCertificate } from './self-signed-certificate.js';

const HOSTS = ['127.0.0.1', '::1', 'localhost'];
const MADE = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const after = (days: number) => new Date(MADE.getTime() + days * DAY);

// Made once: key generation is the slow part, and every example reads the same pair.
const pair = selfSignedCertificate(HOSTS, MADE, 365);
const file = keptCertificateFile(pair);

const reasonFor = (content: string, hosts = HOSTS, now = after(1)) => {
  const verdict = judgeKeptCertificate(content, hosts, now);
  return verdict.reuse ? undefined : verdict.reason;
};

describe('judgeKeptCertificate', () => {
  it('reuses the kept certificate and key when they match, name the hosts and stay valid', () => {
    expect(judgeKeptCertificate(file, HOSTS, after(1))).toEqual({ reuse: true, certificate: pair });
  });

  it('reuses it whatever the order or repetition of the hosts asked', () => {
    const hosts = ['localhost', '::1', '127.0.0.1', 'localhost'];
    expect(judgeKeptCertificate(file, hosts, after(1)).reuse).toBe(true);
  });

  it('reuses it until 30 days before it expires, and makes a new one from then on', () => {
    expect(judgeKeptCertificate(file, HOSTS, after(334)).reuse).toBe(true);
    expect(reasonFor(file, HOSTS, after(335))).toBe(
      'its certificate expires Jan  1 00:00:00 2027 GMT, less than 30 days from now',
    );
    expect(reasonFor(file, HOSTS, after(400))).toMatch(/expires Jan {2}1 00:00:00 2027 GMT/);
  });

  it('makes a new one when the clock is before the certificate was valid', () => {
    expect(reasonFor(file, HOSTS, after(-1))).toBe(
      'its certificate is valid only from Dec 31 23:00:00 2025 GMT',
    );
  });

  it.each([
    { what: 'a host more', hosts: [...HOSTS, '10.0.0.7'] },
    { what: 'a host fewer', hosts: ['127.0.0.1', 'localhost'] },
    { what: 'another host', hosts: ['127.0.0.1', '::1', 'proxy.local'] },
  ])('makes a new one when the proxy serves $what', ({ hosts }) => {
    expect(reasonFor(file, hosts)).toMatch(
      /^its certificate names IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost, not /,
    );
  });

  it('makes a new one when the key is another certificate’s', () => {
    const other = selfSignedCertificate(HOSTS, MADE, 365);
    expect(reasonFor(`${pair.certPem}${other.keyPem}`)).toBe(
      'its private key does not match its certificate',
    );
  });

  it.each([
    { what: 'is empty', content: '', reason: 'it holds no PEM certificate' },
    { what: 'holds only the key', content: pair.keyPem, reason: 'it holds no PEM certificate' },
    {
      what: 'holds only the certificate',
      content: pair.certPem,
      reason: 'it holds no PEM private key',
    },
    {
      what: 'holds a certificate that is not DER',
      content: `-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n${pair.keyPem}`,
      reason: /^its certificate cannot be read: /,
    },
    {
      what: 'holds a key that is not DER',
      content: `${pair.certPem}-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n`,
      reason: /^its private key cannot be read: /,
    },
  ])('makes a new one, saying why, when the file $what', ({ content, reason }) => {
    const said = reasonFor(content);
    if (typeof reason === 'string') expect(said).toBe(reason);
    else expect(said).toMatch(reason);
    expect(said).not.toContain('\n');
  });
});
