import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebhookCertificate } from './webhook-certificate.js';

/** The `request` of an admission.k8s.io/v1 AdmissionReview, as far as tests read it. */
export interface AdmissionRequest {
  uid: string;
  operation: string;
  namespace?: string;
  name?: string;
  kind: { group: string; version: string; kind: string };
  userInfo: { username: string; groups?: string[] };
  object?: { metadata?: { name?: string; annotations?: Record<string, string> } };
  dryRun?: boolean;
}

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/**
 * What a test webhook decides: allow, optionally with a JSON patch, or deny with a message (and a
 * code: a denial with 500 is how a story makes the apiserver fail writes).
 */
export type AdmissionDecision =
  | { allowed: true; patch?: readonly JsonPatchOperation[]; warnings?: readonly string[] }
  | { allowed: false; message: string; code?: number };

/** A loopback HTTPS admission webhook run inside the test process. */
export interface AdmissionWebhookServer {
  /** `https://127.0.0.1:<port>` (append the path registered in the webhook configuration). */
  url: string;
  /** Base64 PEM CA for the webhook configuration's `clientConfig.caBundle`. */
  caBundle: string;
  /** Every request received, oldest first. */
  requests: AdmissionRequest[];
  close(): Promise<void>;
}

/**
 * Serves admission.k8s.io/v1 AdmissionReviews on 127.0.0.1 with `certificate`, answering each with
 * `decide(request)` (which may be async; a throw is answered 500). The apiserver calls it through `clientConfig.url`; loopback has no Service.
 */
export async function startAdmissionWebhookServer(
  certificate: WebhookCertificate,
  decide: (request: AdmissionRequest) => AdmissionDecision | Promise<AdmissionDecision>,
): Promise<AdmissionWebhookServer> {
  const requests: AdmissionRequest[] = [];
  const server = createServer(
    { cert: certificate.certPem, key: certificate.keyPem },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        let review: { apiVersion: string; request: AdmissionRequest };
        try {
          review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400).end('body is not an AdmissionReview');
          return;
        }
        requests.push(review.request);
        let decision: AdmissionDecision;
        try {
          decision = await decide(review.request);
        } catch (error) {
          res.writeHead(500).end(String(error));
          return;
        }
        const response: Record<string, unknown> = {
          uid: review.request.uid,
          allowed: decision.allowed,
        };
        if (decision.allowed && decision.patch) {
          response.patchType = 'JSONPatch';
          response.patch = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
        }
        if (decision.allowed && decision.warnings) response.warnings = decision.warnings;
        // The apiserver answers the client with this code (403 unless told otherwise).
        if (!decision.allowed)
          response.status = { code: decision.code ?? 403, message: decision.message };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response }),
        );
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caBundle: Buffer.from(certificate.caPem).toString('base64'),
    requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
