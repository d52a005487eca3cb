import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkServiceAccount } from './service-account-links.js';

describe('linkServiceAccount', () => {
  it('links token and namespace to the projected files, following a rotated token', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sa-links-'));
    const from = mkdtempSync(join(root, 'projected-'));
    const dir = mkdtempSync(join(root, 'serviceaccount-'));
    writeFileSync(join(from, 'token'), 'token-1');
    writeFileSync(join(from, 'namespace'), 'operators');
    await linkServiceAccount(dir, from);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('token-1');
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('operators');
    // kubelet replaces the file (atomic writer); the link reads the new one.
    writeFileSync(join(from, 'token.new'), 'token-2');
    renameSync(join(from, 'token.new'), join(from, 'token'));
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('token-2');
  });

  it('replaces the links a previous start left', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sa-links-'));
    const old = mkdtempSync(join(root, 'old-'));
    const from = mkdtempSync(join(root, 'projected-'));
    const dir = mkdtempSync(join(root, 'serviceaccount-'));
    writeFileSync(join(old, 'token'), 'old');
    writeFileSync(join(from, 'token'), 'new');
    await linkServiceAccount(dir, old);
    await linkServiceAccount(dir, from);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('new');
  });
});
