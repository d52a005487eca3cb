import type { Clock } from '@ctrlmesh/runtime-support';
import type { Logger } from '../observe/log.js';
import type { KeyPair } from './certificate-authority.js';
import { bundleToData, readBundle } from './certificate-bundle.js';
import type { CaBundleTarget, CertificateSecretStore } from './certificate-ports.js';
import { planRotation, type RotationOptions } from './plan-rotation.js';

/** Options of {@link createWebhookCertificates}. */
export interface WebhookCertificatesOptions {
  readonly store: CertificateSecretStore;
  readonly caBundles: CaBundleTarget;
  readonly rotation: RotationOptions;
  /** How often to look again; at most half the overlap, so no rotation step is missed. */
  readonly tickMs: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Whether this replica leads: only the leader writes the Secret and the caBundles. */
  readonly isLeader: () => boolean;
  /** Serve this certificate from now on (every replica, from what the Secret holds). */
  readonly serve: (pair: KeyPair) => void;
}

/** The certificate lifecycle of one replica. */
export interface WebhookCertificates {
  /**
   * One pass. The leader first makes sure the caBundles trust what the Secret holds, then writes
   * the Secret's next rotation step (if one is due) and the caBundles for it; every replica then
   * serves the Secret's serving certificate if it changed.
   */
  sync(): Promise<void>;
  /** Syncs every tick and whenever {@link notify} is called, until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** The Secret changed, or leadership was gained: sync soon. */
  notify(): void;
}

/** Creates the certificate lifecycle (see {@link WebhookCertificates}). */
export const createWebhookCertificates = (
  options: WebhookCertificatesOptions,
): WebhookCertificates => {
  const { store, caBundles, rotation, clock, log } = options;
  let served: string | undefined;
  let wake: (() => void) | undefined;
  let pending = false;

  const sync = async () => {
    let stored = store.current();
    let read = readBundle(stored?.data);
    if (options.isLeader()) {
      // The caBundles must trust the stored bundle before any step builds on it: a step may move
      // the serving certificate to the CA staged last time.
      if (read !== undefined) await ensure(read.bundle.trusted.join(''));
      const step = planRotation(read, clock.now(), rotation);
      if (step !== undefined) {
        stored = await store.write(bundleToData(step.bundle), stored?.resourceVersion);
        read = readBundle(stored.data);
        log.info('webhook certificates written', {
          reason: step.reason,
          trustedCas: step.bundle.trusted.length,
          servingNotAfter: read === undefined ? undefined : new Date(read.servingNotAfter),
        });
        await ensure(step.bundle.trusted.join(''));
      }
    }
    if (read !== undefined && read.bundle.serving.certPem !== served) {
      options.serve(read.bundle.serving);
      served = read.bundle.serving.certPem;
      log.info('serving webhook certificate', {
        notAfter: new Date(read.servingNotAfter).toISOString(),
        hosts: read.hosts,
      });
    }
  };

  const ensure = async (pem: string) => {
    const changed = await caBundles.ensure(pem);
    if (changed.length > 0) log.info('webhook caBundle written', { configurations: changed });
  };

  const notify = () => {
    pending = true;
    wake?.();
  };

  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      pending = false;
      try {
        await sync();
      } catch (error) {
        log.warn('webhook certificates not synced; retrying', { err: error });
      }
      if (pending || signal.aborted) continue;
      const woken = new AbortController();
      wake = () => woken.abort();
      const onAbort = () => woken.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      await clock.sleep(options.tickMs, woken.signal);
      signal.removeEventListener('abort', onAbort);
      wake = undefined;
    }
  };

  return { sync, run, notify };
};
