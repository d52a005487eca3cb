import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keptCertificateFile } from './kept-certificate.js';
import { keptOrNewCertificate } from './kept-certificate-file.js';
import { selfSignedCertificate } from './self-signed-certificate.js';

const HOSTS = ['127.0.0.1', '::1', 'localhost'];
const folder = () => mkdtempSync(join(tmpdir(), 'kept-certificate-'));

describe('keptOrNewCertificate', () => {
  it('makes a certificate on the first start and saves it with its key, readable by the owner only', async () => {
    const file = join(folder(), 'serving.pem');
    const first = await keptOrNewCertificate(file, HOSTS);
    expect(first).toMatchObject({ kept: false, reason: 'no certificate kept yet' });
    expect(readFileSync(file, 'utf8')).toBe(keptCertificateFile(first.certificate));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('serves the saved certificate again on the next start, leaving nothing aside', async () => {
    const dir = folder();
    const file = join(dir, 'serving.pem');
    const first = await keptOrNewCertificate(file, HOSTS);
    const second = await keptOrNewCertificate(file, HOSTS);
    expect(second).toEqual({ certificate: first.certificate, kept: true });
    expect(await readdir(dir)).toEqual(['serving.pem']);
  });

  it('replaces a garbled file with a new certificate and says why', async () => {
    const file = join(folder(), 'serving.pem');
    writeFileSync(file, 'half a certificate', { mode: 0o644 });
    const made = await keptOrNewCertificate(file, HOSTS);
    expect(made).toMatchObject({ kept: false, reason: 'it holds no PEM certificate' });
    expect(readFileSync(file, 'utf8')).toBe(keptCertificateFile(made.certificate));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces a certificate about to expire', async () => {
    const file = join(folder(), 'serving.pem');
    const old = selfSignedCertificate(HOSTS, new Date(Date.now() - 350 * 86_400_000), 365);
    writeFileSync(file, keptCertificateFile(old));
    const made = await keptOrNewCertificate(file, HOSTS);
    expect(made).toMatchObject({
      kept: false,
      reason: expect.stringMatching(/expires .* less than 30 days/),
    });
    expect(made.certificate.certPem).not.toBe(old.certPem);
  });

  it('fails when the new certificate cannot be saved: a folder in its place, or no folder', async () => {
    const dir = folder();
    const file = join(dir, 'serving.pem');
    await mkdir(file);
    await expect(keptOrNewCertificate(file, HOSTS)).rejects.toThrow(/EISDIR|EEXIST|ENOTDIR/);
    await expect(keptOrNewCertificate(join(dir, 'missing', 'serving.pem'), HOSTS)).rejects.toThrow(
      /ENOENT/,
    );
  });
});
