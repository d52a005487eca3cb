import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { kasBinary } from './kas-process.js';

/** A webhook's own CA and the serving pair it signed, as PEM, plus where they were written. */
export interface WebhookCertificate {
  dir: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * Writes `ca.crt`, `tls.crt` and `tls.key` (controller-runtime's file names) into `dir` with
 * `kas webhook-cert`, valid for `hosts` (IP addresses or DNS names). The apiserver trusts the
 * webhook through the caBundle of its configuration, so each webhook may have its own CA.
 */
export async function issueWebhookCertificate(
  dir: string,
  hosts: string[] = ['127.0.0.1', 'localhost'],
): Promise<WebhookCertificate> {
  await promisify(execFile)(kasBinary, [
    'webhook-cert',
    `--dir=${dir}`,
    `--hosts=${hosts.join(',')}`,
  ]);
  const [caPem, certPem, keyPem] = await Promise.all(
    ['ca.crt', 'tls.crt', 'tls.key'].map((name) => readFile(path.join(dir, name), 'utf8')),
  );
  return { dir, caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
}
