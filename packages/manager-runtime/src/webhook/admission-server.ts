import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from '../certificates/certificate-authority.js';
import type { Logger } from '../observe/log.js';
import type { AdmissionHandlers } from './admission-handlers.js';
import { admissionResponse, readAdmissionReview } from './admission-review.js';

/**
 * How much of a request body is read: two objects (object and oldObject) of the apiserver's 3 MiB
 * request limit, plus room for the review around them. Anything longer is refused with 413.
 */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;

/** How a review ended, for metrics and logs. */
export type ReviewOutcome = 'allowed' | 'denied' | 'malformed' | 'error';

/** Options of {@link createAdmissionServer}. */
export interface AdmissionServerOptions {
  readonly handlers: AdmissionHandlers;
  readonly log: Logger;
  readonly maxBodyBytes?: number;
  /** Called once per review that reached a handler's path. */
  readonly onReviewed?: (path: string, outcome: ReviewOutcome) => void;
}

/** The HTTPS server of the admission webhooks. */
export interface AdmissionServer {
  /** Listens; resolves with the address (port 0: any free port). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Serves `pair` to every new connection from now on, without a restart (connections already
   * open keep the certificate they shook hands with). Until the first call, handshakes fail.
   */
  setCertificate(pair: KeyPair): void;
  /** Whether a certificate was set. */
  hasCertificate(): boolean;
  address(): AddressInfo | undefined;
  /**
   * Stops accepting connections, lets reviews in flight finish for up to `graceMs`, then closes
   * whatever is left.
   */
  close(graceMs?: number): Promise<void>;
}

const sendJson = (res: ServerResponse, code: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

// Errors that are not an answer to a review are a metav1.Status, as the apiserver would send.
const sendStatus = (res: ServerResponse, code: number, reason: string, message: string) =>
  sendJson(res, code, {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    code,
    reason,
    message,
  });

class BodyTooLarge extends Error {}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * An HTTPS server for AdmissionReview v1: one handler per path, POST only. A body that is not a
 * review gets 400 with a `metav1.Status` saying why, a body over the bound 413, and a handler that
 * throws 500: the apiserver then applies the webhook's failure policy. Nothing a client sends
 * crashes it.
 */
export const createAdmissionServer = (options: AdmissionServerOptions): AdmissionServer => {
  const { handlers, log } = options;
  const limit = options.maxBodyBytes ?? MAX_REVIEW_BYTES;
  let certificate: KeyPair | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = Object.hasOwn(handlers, path) ? handlers[path] : undefined;
    if (handler === undefined) {
      sendStatus(res, 404, 'NotFound', `no admission webhook at ${path}`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendStatus(
        res,
        405,
        'MethodNotAllowed',
        `${req.method} is not allowed; POST an AdmissionReview`,
      );
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      options.onReviewed?.(path, 'malformed');
      if (error instanceof BodyTooLarge) {
        sendStatus(
          res,
          413,
          'RequestEntityTooLarge',
          `an AdmissionReview is at most ${limit} bytes`,
        );
      } else {
        res.destroy();
      }
      return;
    }
    const read = readAdmissionReview(body);
    if (!read.ok) {
      options.onReviewed?.(path, 'malformed');
      log.warn('malformed admission review', { path, problem: read.problem });
      sendStatus(res, 400, 'BadRequest', `malformed AdmissionReview: ${read.problem}`);
      return;
    }
    const { request } = read;
    try {
      const decision = await handler(request);
      options.onReviewed?.(path, decision.allowed ? 'allowed' : 'denied');
      log.debug('admission review', {
        path,
        uid: request.uid,
        operation: request.operation,
        object: `${request.namespace ?? ''}/${request.name ?? ''}`,
        allowed: decision.allowed,
      });
      sendJson(res, 200, admissionResponse(request.uid, decision));
    } catch (error) {
      options.onReviewed?.(path, 'error');
      log.error('admission handler failed', { path, uid: request.uid, err: error });
      sendStatus(
        res,
        500,
        'InternalError',
        `admission handler failed: ${(error as Error).message}`,
      );
    }
  };

  // No certificate yet: the first setCertificate installs one; until then handshakes fail.
  const server: Server = createServer({ minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('admission server failed', { err: error });
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', 'admission server failed');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('tlsClientError', (error) => log.debug('webhook TLS handshake failed', { err: error }));

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    setCertificate: (pair) => {
      server.setSecureContext({ cert: pair.certPem, key: pair.keyPem, minVersion: 'TLSv1.2' });
      certificate = pair;
    },
    hasCertificate: () => certificate !== undefined,
    address: () => (server.listening ? (server.address() as AddressInfo) : undefined),
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
};
