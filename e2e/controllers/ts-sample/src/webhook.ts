/**
 * The mutating admission webhook for ConfigMaps. {@link admit} turns an AdmissionReview v1
 * request into its response; {@link listenWebhook} serves it over HTTPS with the cert from the
 * cert dir. Every replica serves it, leader or not, as controller-runtime's webhook server does.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { Logger } from './log.js';

/** Path of the mutating webhook. */
export const MUTATE_PATH = '/mutate-configmap';
/** Annotation naming the replica whose webhook admitted the object. */
export const ADMITTED_BY = 'e2e.ctrlmesh.io/admitted-by';
const MAX_BODY_BYTES = 3 * 1024 * 1024; // the apiserver's own request size limit

/** An HTTP answer: status and JSON body. */
export interface WebhookReply {
  status: number;
  body: unknown;
}

interface AdmissionRequest {
  uid?: unknown;
  operation?: unknown;
  object?: { metadata?: { annotations?: Record<string, string> | null } } | null;
}

/**
 * Answers one AdmissionReview v1 body: allowed, with a one-operation JSONPatch setting the
 * admitted-by annotation on CREATE and UPDATE unless it already has this value. A body that is
 * not an AdmissionReview gets a 400 that says what was expected.
 */
export function admit(body: unknown, podName: string): WebhookReply {
  const request = (body as { request?: AdmissionRequest } | null)?.request;
  if (typeof request !== 'object' || request === null || typeof request.uid !== 'string') {
    return {
      status: 400,
      body: { message: 'expected an admission.k8s.io/v1 AdmissionReview with request.uid' },
    };
  }
  const response: Record<string, unknown> = { uid: request.uid, allowed: true };
  const annotations = request.object?.metadata?.annotations;
  const mutates = request.operation === 'CREATE' || request.operation === 'UPDATE';
  if (mutates && annotations?.[ADMITTED_BY] !== podName) {
    const patch =
      annotations === undefined || annotations === null
        ? // "add" needs an existing parent, so a missing map is added whole.
          [{ op: 'add', path: '/metadata/annotations', value: { [ADMITTED_BY]: podName } }]
        : [
            {
              op: 'add',
              path: `/metadata/annotations/${escapePointer(ADMITTED_BY)}`,
              value: podName,
            },
          ];
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
  }
  return {
    status: 200,
    body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response },
  };
}

/** Escapes one JSON Pointer token (RFC 6901: "~" first, then "/"). */
function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Where and as whom the webhook listens. */
export interface WebhookOptions {
  host: string;
  port: number;
  /** Holds tls.crt and tls.key, the layout controller-runtime expects. */
  certDir: string;
  podName: string;
  log: Logger;
}

/** Starts the HTTPS server; resolves once it listens, rejects if it cannot. */
export async function listenWebhook(options: WebhookOptions): Promise<Server> {
  const { host, port, certDir, podName, log } = options;
  const [cert, key] = await Promise.all([
    readFile(join(certDir, 'tls.crt')),
    readFile(join(certDir, 'tls.key')),
  ]);
  const server = createServer({ cert, key }, (req, res) => {
    const send = ({ status, body }: WebhookReply) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== MUTATE_PATH) {
      send({ status: 404, body: { message: `only POST ${MUTATE_PATH} is served` } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send({ status: 400, body: { message: 'request body is not JSON' } });
        return;
      }
      const reply = admit(body, podName);
      log.info('admission', {
        status: reply.status,
        uid: (body as { request?: { uid?: unknown } }).request?.uid,
      });
      send(reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.info('serving webhook', { host, port, path: MUTATE_PATH });
  return server;
}
