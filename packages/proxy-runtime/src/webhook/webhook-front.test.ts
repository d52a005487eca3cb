import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { RouteStore } from '../routes/route-store.js';
import { selfSignedCertificate } from '../server/self-signed-certificate.js';
import {
  type ReviewDocument,
  type ReviewFixture,
  reviewDoc,
} from '../test-support/admission-reviews.js';
import { canarySnapshot } from '../test-support/exchanges.js';
import type { WebhookFailurePolicy } from './admission-response.js';
import { createWebhookFront, type WebhookFront } from './webhook-front.js';
import { StaticWebhookPeers } from './webhook-peers.js';

// Every pod serves the same controller certificate (one Secret), for 127.0.0.1.
const pair = selfSignedCertificate(['127.0.0.1', 'localhost']);
const namespaces = new StaticNamespaceLabels({
  'canary-a': {},
  'team-b': {},
  'kube-system': { 'ns-type': 'system' },
});

interface Answer {
  status: number;
  /** The reply, or the text of a plain-text answer. */
  body: {
    apiVersion: string;
    response: {
      uid: string;
      allowed: boolean;
      warnings?: string[];
      status?: { code: number; message: string };
    };
  };
  text: string;
}

const post = (port: number, body: Buffer, ca = pair.certPem): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/mutate-configmap?timeout=10s', ca },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          const json = res.headers['content-type'] === 'application/json';
          resolve({ status: res.statusCode ?? 0, body: json ? JSON.parse(text) : undefined, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** A stand-in for a controller's webhook: patches nothing, but says which pod answered. */
const startController = async (podName: string, calls: string[]): Promise<Server> => {
  const server = createServer({ cert: pair.certPem, key: pair.keyPem }, (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(parts).toString('utf8'));
      calls.push(`${podName} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          apiVersion: review.apiVersion,
          kind: 'AdmissionReview',
          response: {
            uid: review.request.uid,
            allowed: true,
            warnings: [`admitted-by ${podName}`],
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

const portOf = (server: Server) => (server.address() as AddressInfo).port;

interface Pod {
  name: string;
  controller: Server;
  front: WebhookFront;
  port: number;
  certDir: string;
  stop: AbortController;
  running: Promise<void>;
}

describe('webhook front', () => {
  let dir: string;
  const calls: string[] = [];
  const pods: Record<string, Pod> = {};
  const startPod = async (
    name: string,
    version: string,
    peers: Record<string, string[]>,
    failurePolicy: WebhookFailurePolicy = 'Fail',
    withRoutes = true,
  ): Promise<Pod> => {
    const certDir = join(dir, name);
    await rm(certDir, { recursive: true, force: true });
    await mkdir(certDir);
    await writeFile(join(certDir, 'tls.crt'), pair.certPem);
    await writeFile(join(certDir, 'tls.key'), pair.keyPem);
    const controller = await startController(name, calls);
    const routes = new RouteStore();
    if (withRoutes) routes.swap(canarySnapshot({ version }));
    const front = createWebhookFront(
      {
        host: '127.0.0.1',
        port: 0,
        certDir,
        controllerPort: portOf(controller),
        failurePolicy,
        attemptTimeoutMs: 2_000,
        totalTimeoutMs: 5_000,
        certPollMs: 100,
      },
      {
        routes,
        namespaces,
        peers: new StaticWebhookPeers(peers),
        podName: name,
        maxBytes: 1 << 20,
      },
    );
    const stop = new AbortController();
    const running = front.start(stop.signal);
    const { port } = await front.listening;
    const pod = { name, controller, front, port, certDir, stop, running };
    pods[name] = pod;
    return pod;
  };
  const stopPod = async (pod: Pod) => {
    pod.stop.abort();
    await pod.running;
    pod.controller.closeAllConnections();
    await new Promise((resolve) => pod.controller.close(resolve));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-webhook-front-'));
    const a = await startPod('v2-a', 'v2', {});
    const b = await startPod('v2-b', 'v2', {});
    await startPod('v1-0', 'v1', {
      v2: [`https://127.0.0.1:${a.port}`, `https://127.0.0.1:${b.port}`],
    });
    await startPod('v1-lonely', 'v1', {});
    await startPod('v1-lenient', 'v1', {}, 'Ignore');
    const unrouted = await startPod('v2-unrouted', 'v2', {}, 'Fail', false);
    await startPod('v1-behind-unrouted', 'v1', {
      v2: [`https://127.0.0.1:${unrouted.port}`, `https://127.0.0.1:${a.port}`],
    });
  });

  afterAll(async () => {
    for (const pod of Object.values(pods)) await stopPod(pod);
    await rm(dir, { recursive: true, force: true });
  });

  const send = (pod: string, fixture: ReviewFixture, edit?: (doc: ReviewDocument) => void) => {
    const doc = reviewDoc(fixture);
    edit?.(doc);
    return post(pods[pod]!.port, Buffer.from(JSON.stringify(doc)));
  };

  it("serves a review this subset owns with its own controller's webhook, keeping the path", async () => {
    calls.length = 0;
    const answer = await send('v1-0', 'v1beta1-update-configmap');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      response: {
        uid: 'b2d3d2a0-1f7e-4a39-9d55-0c2f7f1b8e11',
        allowed: true,
        warnings: ['admitted-by v1-0'],
      },
    });
    expect(calls).toEqual(['v1-0 /mutate-configmap?timeout=10s']);
  });

  it('forwards a review another subset owns to its pods in turn', async () => {
    calls.length = 0;
    const first = await send('v1-0', 'v1-create-configmap');
    const second = await send('v1-0', 'v1-create-configmap');
    expect(first.body.apiVersion).toBe('admission.k8s.io/v1');
    expect(first.body.response.uid).toBe('705ab4f5-6393-11e8-b7cc-42010a800002');
    expect([first.body.response.warnings?.[0], second.body.response.warnings?.[0]].sort()).toEqual([
      'admitted-by v2-a',
      'admitted-by v2-b',
    ]);
    expect(calls.every((call) => call.endsWith('/mutate-configmap?timeout=10s'))).toBe(true);
  });

  it('allows a review of an excluded object at once, with its uid, asking no controller', async () => {
    calls.length = 0;
    const answer = await send('v1-0', 'v1-delete-configmap', (doc) => {
      doc.request.namespace = 'kube-system';
    });
    expect(answer.body).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: '0c6e2a1d-9a43-4a1e-bb0f-4a3b6e1fd2c9', allowed: true },
    });
    expect(calls).toEqual([]);
  });

  it('denies under Fail, and allows with a warning under Ignore, when no pod of the owner is known', async () => {
    const strict = await send('v1-lonely', 'v1-create-configmap');
    expect(strict.body.response).toMatchObject({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: false,
      status: { code: 503, reason: 'ServiceUnavailable' },
    });
    expect(strict.body.response.status?.message).toContain(
      'belongs to subset "v2", which has no ready webhook pod',
    );
    const lenient = await send('v1-lenient', 'v1-create-configmap');
    expect(lenient.body.response.allowed).toBe(true);
    expect(lenient.body.response.warnings?.[0]).toContain('failure policy is Ignore');
  });

  it('answers 400 to a body that is not a review', async () => {
    const answer = await post(pods['v1-0']!.port, Buffer.from('{"kind":"Pod"}'));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('cannot read this AdmissionReview');
  });

  it('fails over past a pod that cannot decide a forwarded review (no routes yet)', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await send('v1-behind-unrouted', 'v1-create-configmap');
      expect(answer.body.response.warnings).toEqual(['admitted-by v2-a']);
    }
  });

  it('fails over to the next pod of the subset when one is gone or its controller fails', async () => {
    // v2-b's controller is down: its front answers 503 to a forwarded review, and v1-0 moves on.
    const b = pods['v2-b']!;
    b.controller.closeAllConnections();
    await new Promise((resolve) => b.controller.close(resolve));
    for (let i = 0; i < 4; i++) {
      const answer = await send('v1-0', 'v1-create-configmap');
      expect(answer.body.response.warnings).toEqual(['admitted-by v2-a']);
    }
    // v2-a is gone altogether (connection refused) and v2-b cannot answer: denied, saying why.
    const portOfGone = pods['v2-a']!.port;
    await stopPod(pods['v2-a']!);
    delete pods['v2-a'];
    const answer = await send('v1-0', 'v1-create-configmap');
    expect(answer.body.response.allowed).toBe(false);
    const gone = `https://127.0.0.1:${portOfGone}`;
    expect(answer.body.response.status?.message).toMatch(
      /^no webhook pod of subset "v2" answered: /,
    );
    expect(answer.body.response.status?.message).toContain(`${gone}: ECONN`);
    expect(answer.body.response.status?.message).toContain(`:${b.port} answered HTTP 503`);
    b.controller = await startController('v2-b', calls);
  });

  it('serves a new certificate when the files change, and keeps it when they turn bad', {
    timeout: 20_000,
  }, async () => {
    const pod = pods['v1-0']!;
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port: pod.port, rejectUnauthorized: false },
          () => {
            resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
            socket.end();
          },
        );
        socket.on('error', reject);
      });
    const before = await fingerprint();
    expect(before).toBe(new X509Certificate(pair.certPem).fingerprint256);
    const next = selfSignedCertificate(['127.0.0.1']);
    await writeFile(join(pod.certDir, 'tls.key'), next.keyPem);
    await writeFile(join(pod.certDir, 'tls.crt'), next.certPem);
    const wanted = new X509Certificate(next.certPem).fingerprint256;
    // fs.watch or the next poll (100 ms) picks it up; the bound is generous for a loaded machine.
    const deadline = Date.now() + 10_000;
    while ((await fingerprint()) !== wanted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await fingerprint()).toBe(wanted);
    await writeFile(join(pod.certDir, 'tls.crt'), 'not a certificate');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await fingerprint()).toBe(wanted);
  });
});
