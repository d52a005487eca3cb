import { createPrivateKey, X509Certificate } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The controller's webhook certificate, its key, and what verifies it. */
export interface CertificatePair {
  readonly certPem: string;
  readonly keyPem: string;
  /** The CA to verify the controller's (and peers') webhook with: `caFile`, `ca.crt`, or the cert itself. */
  readonly caPem: string;
}

/** The outcome of reading a pair. */
export type PairRead =
  | { readonly ok: true; readonly value: CertificatePair }
  | { readonly ok: false; readonly problem: string };

// controller-runtime's names first, then the older cert.pem/key.pem (the original's order).
const NAMES = [
  ['tls.crt', 'tls.key'],
  ['cert.pem', 'key.pem'],
] as const;

const readOptional = (file: string): Promise<string | undefined> =>
  readFile(file, 'utf8').catch(() => undefined);

// Parses both and checks that the key belongs to the certificate. Building a TLS context is not
// enough: it accepts an empty certificate (a file caught mid-write), and a server given that
// context fails every handshake.
const checkPair = (certPem: string, keyPem: string): void => {
  if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem)))
    throw new Error('the key does not belong to the certificate');
};

/**
 * Reads the controller's serving pair from its cert dir and checks that the key fits the
 * certificate, so a half-written rotation is refused, not served.
 */
export const readCertificatePair = async (
  certDir: string,
  caFile: string | undefined,
): Promise<PairRead> => {
  for (const [certName, keyName] of NAMES) {
    const [certPem, keyPem] = await Promise.all([
      readOptional(join(certDir, certName)),
      readOptional(join(certDir, keyName)),
    ]);
    if (certPem === undefined || keyPem === undefined) continue;
    try {
      checkPair(certPem, keyPem);
    } catch (error) {
      return {
        ok: false,
        problem: `${join(certDir, certName)} and ${keyName} are not a usable pair: ${(error as Error).message}`,
      };
    }
    const caPem =
      (caFile === undefined ? undefined : await readOptional(caFile)) ??
      (await readOptional(join(certDir, 'ca.crt'))) ??
      certPem;
    return { ok: true, value: { certPem, keyPem, caPem } };
  }
  return { ok: false, problem: `${certDir} holds neither tls.crt/tls.key nor cert.pem/key.pem` };
};

/** Options of {@link watchCertificate}. */
export interface CertificateWatch {
  readonly certDir: string;
  readonly caFile: string | undefined;
  /** Polling interval: a safety net for file systems where fs.watch misses events. */
  readonly pollMs: number;
  /** Called with each new good pair (also the first). */
  readonly onPair: (pair: CertificatePair) => void;
  /** Called when the files changed into something unusable; the last good pair stays in use. */
  readonly onRejected: (problem: string) => void;
  readonly signal: AbortSignal;
}

/**
 * Keeps the serving pair current: re-reads the cert dir when fs.watch reports a change (a mounted
 * Secret changes by swapping a `..data` symlink in the directory) and every `pollMs`. A pair equal
 * to the current one is ignored; a bad one is reported once and the last good pair stays.
 */
export const watchCertificate = (options: CertificateWatch): void => {
  let last = '';
  let lastProblem = '';
  let checking: Promise<void> | undefined;
  let again = false;
  const check = async (): Promise<void> => {
    const read = await readCertificatePair(options.certDir, options.caFile);
    if (options.signal.aborted) return;
    if (!read.ok) {
      if (read.problem !== lastProblem) options.onRejected(read.problem);
      lastProblem = read.problem;
      return;
    }
    lastProblem = '';
    const key = `${read.value.certPem}\0${read.value.keyPem}\0${read.value.caPem}`;
    if (key === last) return;
    last = key;
    options.onPair(read.value);
  };
  const schedule = () => {
    if (checking !== undefined) {
      again = true;
      return;
    }
    checking = check().finally(() => {
      checking = undefined;
      if (again && !options.signal.aborted) {
        again = false;
        schedule();
      }
    });
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(options.certDir, () => schedule());
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined; // the dir may not exist yet: polling finds it later
  }
  const timer = setInterval(schedule, options.pollMs);
  timer.unref();
  schedule();
  options.signal.addEventListener(
    'abort',
    () => {
      clearInterval(timer);
      watcher?.close();
    },
    { once: true },
  );
};
