import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BACKDATE_MS,
  createCertificateAuthority,
  issueServingCertificate,
} from './certificate-authority.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const day = 86_400_000;

describe('createCertificateAuthority', () => {
  it('makes a self-signed CA valid from a little before now for the validity asked', () => {
    const ca = createCertificateAuthority(now, 10 * day);
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe(`CN=ctrlmesh-webhook-ca@${now / 1000}`);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(Date.parse(cert.validFrom)).toBe(now - BACKDATE_MS);
    expect(Date.parse(cert.validTo)).toBe(now + 10 * day);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });
});

describe('issueServingCertificate', () => {
  const ca = createCertificateAuthority(now, 10 * day);
  const hosts = ['ctrlmesh-manager.ctrlmesh-system.svc', '127.0.0.1', '::1'];
  const serving = issueServingCertificate(ca, hosts, now, day);
  const cert = new X509Certificate(serving.certPem);

  it('is signed by the CA and names every host', () => {
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:ctrlmesh-manager.ctrlmesh-system.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.checkHost('ctrlmesh-manager.ctrlmesh-system.svc')).toBeDefined();
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.parse(cert.validTo)).toBe(now + day);
  });

  it('is accepted by openssl as a server certificate of the CA', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ctrlmesh-ca-'));
    writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(path.join(dir, 'tls.crt'), serving.certPem);
    const out = execFileSync('openssl', [
      'verify',
      '-attime',
      String(now / 1000 + 60),
      '-purpose',
      'sslserver',
      '-CAfile',
      path.join(dir, 'ca.crt'),
      path.join(dir, 'tls.crt'),
    ]).toString();
    expect(out).toContain('OK');
  });
});
