import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { judgeKeptCertificate, keptCertificateFile } from './kept-certificate.js';
import { selfSignedCertificate } from './self-signed-certificate.js';

// A kept-certificate file is whatever the disk gives back: a crash mid-write (before the atomic
// rename existed), a hand edit, another tool's file. None of it may stop the proxy from starting.

const HOSTS = ['127.0.0.1', '::1', 'localhost'];
const NOW = new Date('2026-03-01T00:00:00Z');
const pair = selfSignedCertificate(HOSTS, new Date('2026-01-01T00:00:00Z'), 365);
const file = keptCertificateFile(pair);
const fingerprint = new X509Certificate(pair.certPem).fingerprint256;

const makesNewWithReason = (content: string) => {
  const verdict = judgeKeptCertificate(content, HOSTS, NOW);
  expect(verdict.reuse).toBe(false);
  if (!verdict.reuse) expect(verdict.reason).toMatch(/^\S[^\n]*$/);
};

describe('judgeKeptCertificate on any file content', () => {
  test.prop([fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array())])(
    'makes a new certificate with a one-line reason from arbitrary content',
    (content) => {
      makesNewWithReason(typeof content === 'string' ? content : Buffer.from(content).toString());
    },
  );

  // Cut before the key's last "-\n": the key's END line is incomplete or gone.
  test.prop([fc.integer({ min: 0, max: file.length - 2 })])(
    'makes a new certificate with a one-line reason from a truncated file',
    (length) => {
      makesNewWithReason(file.slice(0, length));
    },
  );

  // A changed character may leave the same bytes (base64's unused bits, a line break moved): then
  // it is the same certificate. Otherwise it is refused; either way nothing throws.
  test.prop([
    fc.integer({ min: 0, max: file.length - 1 }),
    fc.string({ minLength: 1, maxLength: 3, unit: 'binary' }),
  ])('refuses a garbled file or reuses exactly the kept certificate', (at, replacement) => {
    const garbled = `${file.slice(0, at)}${replacement}${file.slice(at + 1)}`;
    const verdict = judgeKeptCertificate(garbled, HOSTS, NOW);
    if (verdict.reuse) {
      const cert = new X509Certificate(verdict.certificate.certPem);
      expect(cert.fingerprint256).toBe(fingerprint);
      expect(cert.checkPrivateKey(createPrivateKey(verdict.certificate.keyPem))).toBe(true);
    } else expect(verdict.reason).toMatch(/^\S[^\n]*$/);
  });
});
