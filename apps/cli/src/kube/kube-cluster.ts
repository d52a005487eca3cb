import http from 'node:http';
import https from 'node:https';
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { CliIo } from '../cli-io.js';
import type { Cluster, ClusterFlags, WatchEventType } from '../cluster.js';
import { ClusterError } from '../cluster-error.js';
import { loadKubeConfig } from './load-kube-config.js';

/** A request the apiserver does not answer in this long has failed; kubectl has no default. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Pause before watching again after a watch failed, so a down apiserver is not hammered. */
const REWATCH_DELAY_MS = 1_000;

// Asks for names and labels only: a list of metadata is what ownership reads.
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** The message of a Kubernetes Status body, or the body's start when it is not one. */
const statusMessage = (body: string): string => {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // Not JSON: a proxy's or load balancer's page; its start says enough.
  }
  return body.slice(0, 200).trim();
};

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** One request to the apiserver; a body is sent as JSON under `contentType`. */
interface ApiRequest {
  readonly method: 'GET' | 'PATCH';
  readonly path: string;
  readonly accept: string;
  readonly body?: unknown;
  readonly contentType?: string;
}

const requestJson = async (
  config: KubeConfig,
  server: string,
  { method, path, accept, body, contentType }: ApiRequest,
): Promise<unknown> => {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Accept: accept };
  if (payload !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const options: https.RequestOptions = { method, headers };
  await config.applyToHTTPSOptions(options);
  const url = new URL(`${server.replace(/\/+$/, '')}${path}`);
  const transport = url.protocol === 'http:' ? http : https;
  const what = `${method} ${path.split('?')[0]}`;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          reject(new ClusterError(`${what}: ${status} ${statusMessage(text)}`, status));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(new ClusterError(`${what}: the answer is not JSON (${describe(error)})`));
        }
      });
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () =>
      request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
    );
    request.on('error', (error) =>
      reject(new ClusterError(`cannot reach the apiserver: ${describe(error)}`)),
    );
    request.end(payload);
  });
};

/**
 * The cluster of a kubeconfig, through `@kubernetes/client-node`: its KubeConfig applies the
 * credentials (tokens, client certificates, exec plugins) and TLS settings to every request.
 */
export const openKubeCluster = async (io: CliIo, flags: ClusterFlags): Promise<Cluster> => {
  const { kubeConfig, context, namespace } = loadKubeConfig(io, flags);
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const where = `(context "${context}", ${server})`;
  const send = async (request: ApiRequest): Promise<unknown> => {
    try {
      return await requestJson(kubeConfig, server, request);
    } catch (error) {
      if (error instanceof ClusterError) {
        throw new ClusterError(`${error.message} ${where}`, error.status);
      }
      throw new ClusterError(`${request.method} ${request.path} ${where}: ${describe(error)}`);
    }
  };
  return {
    context,
    namespace,
    get: (path, options = {}) =>
      send({
        method: 'GET',
        path,
        accept: options.metadataOnly === true ? METADATA_ONLY : 'application/json',
      }),
    apply: (path, object, options) => {
      const query = new URLSearchParams({ fieldManager: options.fieldManager });
      if (options.force) query.set('force', 'true');
      if (options.dryRun) query.set('dryRun', 'All');
      // JSON is YAML: an apply patch may be either under this one content type.
      return send({
        method: 'PATCH',
        path: `${path}?${query}`,
        accept: 'application/json',
        body: object,
        contentType: 'application/apply-patch+yaml',
      });
    },
    watch: (path, onEvent, onError, signal) => {
      const watcher = new Watch(kubeConfig);
      let current: AbortController | undefined;
      signal.addEventListener('abort', () => current?.abort(), { once: true });
      const start = (): void => {
        if (signal.aborted) return;
        const again = (error: unknown): void => {
          if (signal.aborted) return;
          if (error) onError(new ClusterError(`watch ${path} ${where}: ${describe(error)}`));
          setTimeout(start, error ? REWATCH_DELAY_MS : 0);
        };
        watcher
          .watch(path, {}, (type: string) => onEvent(type as WatchEventType), again)
          .then((controller) => {
            current = controller;
            if (signal.aborted) controller.abort();
          }, again);
      };
      start();
    },
  };
};
