import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../server/self-signed-certificate.js';
import { readCertificatePair } from './serving-certificate.js';

describe('readCertificatePair', () => {
  it("reads controller-runtime's names, then cert.pem/key.pem, and prefers ca.crt to verify with", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-cert-'));
    const one = selfSignedCertificate(['127.0.0.1']);
    const other = selfSignedCertificate(['127.0.0.1']);
    try {
      expect(await readCertificatePair(dir, undefined)).toEqual({
        ok: false,
        problem: `${dir} holds neither tls.crt/tls.key nor cert.pem/key.pem`,
      });
      await writeFile(join(dir, 'cert.pem'), one.certPem);
      await writeFile(join(dir, 'key.pem'), one.keyPem);
      expect(await readCertificatePair(dir, undefined)).toEqual({
        ok: true,
        value: { certPem: one.certPem, keyPem: one.keyPem, caPem: one.certPem },
      });
      await writeFile(join(dir, 'tls.crt'), other.certPem);
      await writeFile(join(dir, 'tls.key'), other.keyPem);
      await writeFile(join(dir, 'ca.crt'), 'the CA');
      expect(await readCertificatePair(dir, undefined)).toMatchObject({
        ok: true,
        value: { certPem: other.certPem, caPem: 'the CA' },
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('refuses a key that does not fit the certificate (a half-written rotation)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-cert-'));
    try {
      await writeFile(join(dir, 'tls.crt'), selfSignedCertificate(['127.0.0.1']).certPem);
      await writeFile(join(dir, 'tls.key'), selfSignedCertificate(['127.0.0.1']).keyPem);
      const read = await readCertificatePair(dir, undefined);
      expect(read).toMatchObject({
        ok: false,
        problem: expect.stringContaining('not a usable pair'),
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('refuses an empty certificate file, as a rotation caught mid-write leaves it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-cert-'));
    try {
      await writeFile(join(dir, 'tls.crt'), '');
      await writeFile(join(dir, 'tls.key'), selfSignedCertificate(['127.0.0.1']).keyPem);
      expect(await readCertificatePair(dir, undefined)).toMatchObject({
        ok: false,
        problem: expect.stringContaining('not a usable pair'),
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
