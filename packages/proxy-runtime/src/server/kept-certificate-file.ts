import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { judgeKeptCertificate, keptCertificateFile } from './kept-certificate.js';
import { type SelfSignedCertificate, selfSignedCertificate } from './self-signed-certificate.js';

/** The serving certificate {@link keptOrNewCertificate} settled on, and how. */
export type KeptOrNew =
  | { readonly certificate: SelfSignedCertificate; readonly kept: true }
  | { readonly certificate: SelfSignedCertificate; readonly kept: false; readonly reason: string };

// Why the file gave nothing to judge: missing is the first start, anything else is said as is.
const unreadable = (error: NodeJS.ErrnoException): string =>
  error.code === 'ENOENT' ? 'no certificate kept yet' : `cannot read it: ${error.message}`;

/**
 * The self-signed serving certificate for `hosts`, kept in `file` across restarts: the one the
 * file holds when {@link judgeKeptCertificate} says it can serve again (a restarted proxy then
 * serves the CA its controller already trusts), otherwise a new one, saved there (atomically, mode
 * 0600: it holds the private key) before it is returned with the reason it was made. A missing,
 * unreadable or unusable file is never fatal; a file that cannot be written is (the next restart
 * would change the CA under the controller).
 */
export const keptOrNewCertificate = async (
  file: string,
  hosts: readonly string[],
  now: Date = new Date(),
): Promise<KeptOrNew> => {
  const content = await readFile(file, 'utf8').then(
    (text) => ({ text }),
    (error: NodeJS.ErrnoException) => ({ reason: unreadable(error) }),
  );
  const verdict =
    'text' in content
      ? judgeKeptCertificate(content.text, hosts, now)
      : { reuse: false as const, reason: content.reason };
  if (verdict.reuse) return { certificate: verdict.certificate, kept: true };
  const certificate = selfSignedCertificate(hosts, now);
  const aside = `${file}.tmp-${process.pid}`;
  // A leftover from a crashed start may have another mode; `wx` makes it anew with 0600.
  await rm(aside, { force: true });
  await writeFile(aside, keptCertificateFile(certificate), { mode: 0o600, flag: 'wx' });
  await rename(aside, file);
  return { certificate, kept: false, reason: verdict.reason };
};
