import { X509Certificate } from 'node:crypto';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './self-signed-certificate.js';

describe('selfSignedCertificate', () => {
  it('makes a certificate for its hosts that verifies with its own key', () => {
    const { certPem } = selfSignedCertificate(
      ['127.0.0.1', '::1', 'localhost'],
      new Date('2026-11-25T00:00:00Z'),
      30,
    );
    const cert = new X509Certificate(certPem);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('10.0.0.1')).toBeUndefined();
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.validFrom).toBe('Nov 24 23:00:00 2026 GMT');
    expect(cert.validTo).toBe('Dec 25 00:00:00 2026 GMT');
  });

  it('makes certificates OpenSSL accepts whatever the random serial', () => {
    // A serial drawn with a zero first byte once made one certificate in 128 unusable.
    for (let i = 0; i < 300; i++) {
      const { certPem, keyPem } = selfSignedCertificate(['127.0.0.1']);
      expect(() => createSecureContext({ cert: certPem, key: keyPem })).not.toThrow();
    }
  });

  it('serves TLS that a client trusting it as its CA accepts', async () => {
    const { certPem, keyPem } = selfSignedCertificate(['127.0.0.1']);
    const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/', ca: certPem }, (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body).toBe('ok');
    } finally {
      server.close();
    }
  });
});
