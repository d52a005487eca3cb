import type { Clock } from '@ctrlmesh/runtime-support';
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  type V1Secret,
  Watch,
} from '@kubernetes/client-node';
import {
  type CertificateSecretStore,
  SecretConflict,
  type StoredSecret,
} from '../certificates/certificate-ports.js';
import type { Logger } from '../observe/log.js';

/** Options of {@link kubeCertificateSecret}. */
export interface KubeCertificateSecretOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly name: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Called whenever the watched Secret changes (or is listed). */
  readonly onChange: () => void;
  /** How long to wait before listing again after the watch ended or failed. */
  readonly restartDelayMs?: number;
}

/** The store plus its watch loop. */
export interface KubeCertificateSecret extends CertificateSecretStore {
  /** Lists, then watches the one Secret until `signal` aborts (restarting on any end). */
  run(signal: AbortSignal): Promise<void>;
}

const decode = (secret: V1Secret): StoredSecret => ({
  data: Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  ),
  resourceVersion: secret.metadata?.resourceVersion ?? '',
});

const codeOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;

/**
 * The webhook Secret through client-node: a list and a watch of that one name (a field selector,
 * so RBAC can grant this Secret alone), and guarded writes. Every replica runs the watch, so each
 * serves what the Secret holds within moments of the leader writing it.
 */
export const kubeCertificateSecret = (
  options: KubeCertificateSecretOptions,
): KubeCertificateSecret => {
  const { kubeConfig, namespace, name, clock, log } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const fieldSelector = `metadata.name=${name}`;
  let current: StoredSecret | undefined;

  const set = (secret: V1Secret | undefined) => {
    current = secret === undefined ? undefined : decode(secret);
    options.onChange();
  };

  const watchOnce = async (signal: AbortSignal) => {
    const list = await core.listNamespacedSecret({ namespace, fieldSelector });
    set(list.items[0]);
    await new Promise<void>((resolve) => {
      let controller: AbortController | undefined;
      const stop = () => controller?.abort();
      signal.addEventListener('abort', stop, { once: true });
      new Watch(kubeConfig)
        .watch(
          `/api/v1/namespaces/${namespace}/secrets`,
          {
            fieldSelector,
            resourceVersion: list.metadata?.resourceVersion,
            allowWatchBookmarks: true,
          },
          (phase, object: V1Secret) => {
            if (phase === 'ADDED' || phase === 'MODIFIED') set(object);
            else if (phase === 'DELETED') set(undefined);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', stop);
            if (error !== null && error !== undefined && !signal.aborted) {
              log.debug('webhook Secret watch ended', { err: error });
            }
            resolve();
          },
        )
        .then(
          (made) => {
            controller = made;
            if (signal.aborted) made.abort();
          },
          (error: unknown) => {
            signal.removeEventListener('abort', stop);
            log.warn('webhook Secret watch failed', { err: error });
            resolve();
          },
        );
    });
  };

  return {
    current: () => current,
    async write(data, resourceVersion) {
      const body: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/managed-by': 'ctrlmesh-manager' },
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
        },
        type: 'Opaque',
        data: Object.fromEntries(
          Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      };
      try {
        const written =
          resourceVersion === undefined
            ? await core.createNamespacedSecret({ namespace, body })
            : await core.replaceNamespacedSecret({ namespace, name, body });
        current = decode(written);
        return current;
      } catch (error) {
        if (codeOf(error) === 409) throw new SecretConflict(`${namespace}/${name}`);
        throw error;
      }
    },
    async run(signal) {
      while (!signal.aborted) {
        try {
          await watchOnce(signal);
        } catch (error) {
          log.warn('webhook Secret not listed; retrying', {
            secret: `${namespace}/${name}`,
            err: error,
          });
        }
        if (!signal.aborted) await clock.sleep(options.restartDelayMs ?? 1000, signal);
      }
    },
  };
};
