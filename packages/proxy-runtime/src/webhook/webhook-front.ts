import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ProxyConfig } from '../config.js';
import { readBody } from '../http/read-body.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { logRecord, webhookCertificate } from '../observe/channels.js';
import type { Policies } from '../policies/policy-store.js';
import type { Routes } from '../routes/route-store.js';
import { PeerRotation } from './peer-rotation.js';
import { reviewAgent } from './post-review.js';
import { FORWARDED_BY_HEADER, reviewHandler } from './review-handler.js';
import { type CertificatePair, watchCertificate } from './serving-certificate.js';
import type { WebhookPeers } from './webhook-peers.js';

/** The front's settings (`ProxyConfig.webhook`). */
export type WebhookConfig = NonNullable<ProxyConfig['webhook']>;

/** What the front needs from the proxy. */
export interface WebhookFrontDeps {
  readonly routes: Routes;
  readonly namespaces: NamespaceLabels;
  readonly peers: WebhookPeers;
  readonly podName: string;
  /** The largest review body (request or answer) held. */
  readonly maxBytes: number;
  /** FaultInjections' admission faults delay or deny reviews here; none when absent. */
  readonly policies?: Policies | undefined;
}

/** The webhook front, a long-lived part of the proxy. */
export interface WebhookFront {
  readonly name: string;
  /** Resolves once it listens: only after the controller's certificate was first read. */
  readonly listening: Promise<AddressInfo>;
  start(signal: AbortSignal): Promise<void>;
}

const log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
  logRecord.publish({ level, msg, ...fields });

// The host the apiserver called, without the port (IPv6 literals lose their brackets).
const hostName = (host: string | undefined): string => {
  if (host === undefined || host === '') return '127.0.0.1';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
};

/**
 * Builds the TLS front for the controller's admission webhook. It serves the controller's own
 * certificate, so the caBundle already registered for the controller keeps working, and swaps it
 * when the files change. Its readiness never gates the proxy's: the controller starts after the
 * proxy is ready, and waiting for its webhook would deadlock the pod (reference §10.2 item 4).
 */
export const createWebhookFront = (
  config: Readonly<WebhookConfig>,
  deps: WebhookFrontDeps,
): WebhookFront => {
  let resolveListening: (address: AddressInfo) => void = () => undefined;
  let rejectListening: (error: unknown) => void = () => undefined;
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listening.catch(() => undefined);

  const start = async (signal: AbortSignal): Promise<void> => {
    const agent = reviewAgent();
    let pair: CertificatePair | undefined;
    let server: Server | undefined;
    const handle = reviewHandler({
      routes: deps.routes,
      namespaces: deps.namespaces,
      peers: deps.peers,
      rotation: new PeerRotation(),
      agent,
      ca: () => pair?.caPem ?? '',
      controllerOrigin: `https://127.0.0.1:${config.controllerPort}`,
      podName: deps.podName,
      failurePolicy: config.failurePolicy,
      attemptTimeoutMs: config.attemptTimeoutMs,
      totalTimeoutMs: config.totalTimeoutMs,
      maxBytes: deps.maxBytes,
      policies: deps.policies,
    });
    const serve = (next: CertificatePair) => {
      const created = createServer({ cert: next.certPem, key: next.keyPem }, (req, res) => {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('POST only');
          return;
        }
        const aborted = new AbortController();
        res.on('close', () => aborted.abort());
        readBody(req, deps.maxBytes)
          .then((body) =>
            handle({
              body,
              path: req.url ?? '/',
              serverName: hostName(req.headers.host),
              forwardedBy: req.headers[FORWARDED_BY_HEADER] as string | undefined,
              signal: aborted.signal,
            }),
          )
          .then(
            (answer) =>
              res
                .writeHead(answer.status, {
                  'content-type': answer.contentType ?? 'application/json',
                })
                .end(answer.body),
            (error: unknown) => {
              log('warn', 'webhook review unreadable', { error: String(error) });
              if (!res.headersSent)
                res.writeHead(413, { 'content-type': 'text/plain' }).end(String(error));
            },
          );
      });
      created.listen(config.port, config.host, () => {
        const address = created.address() as AddressInfo;
        log('info', 'webhook front listening', { port: address.port });
        resolveListening(address);
      });
      created.once('error', (error) => {
        log('error', 'webhook front cannot listen', { error: String(error) });
        rejectListening(error);
      });
      return created;
    };
    log('info', 'webhook front waiting for the controller certificate', {
      certDir: config.certDir,
    });
    watchCertificate({
      certDir: config.certDir,
      caFile: config.caFile,
      pollMs: config.certPollMs,
      signal,
      onPair: (next) => {
        pair = next;
        webhookCertificate.publish({ outcome: 'loaded' });
        if (server === undefined) server = serve(next);
        else {
          server.setSecureContext({ cert: next.certPem, key: next.keyPem });
          log('info', 'webhook certificate reloaded', { certDir: config.certDir });
        }
      },
      onRejected: (problem) => {
        webhookCertificate.publish({ outcome: 'rejected' });
        log('error', 'webhook certificate rejected; keeping the last good one', { problem });
      },
    });
    if (!signal.aborted)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    rejectListening(new Error('webhook front stopped before it listened'));
    const closing = server;
    if (closing !== undefined) {
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    }
    agent.destroy();
  };

  return { name: 'ctrlmesh-webhook-front', listening, start };
};
