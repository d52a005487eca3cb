import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange } from '../pipeline/exchange.js';
import { chain } from '../pipeline/stage.js';
import { objectOf, openEnvelope, sealEnvelope, typeMetaOf } from '../streams/kube-protobuf.js';
import { firstBytes, lengthDelimited } from '../streams/protobuf-wire.js';
import {
  anExchange,
  bodyText,
  canarySnapshot,
  cannedTerminal,
  handoverSnapshot,
  renamedCanaryApp,
} from '../test-support/exchanges.js';
import { classifyRequest } from './classify-request.js';
import { decideOwnership } from './decide-ownership.js';
import { pinRoutes } from './pin-routes.js';
import { rewriteLock } from './rewrite-lock.js';

const lease = (name: string) =>
  JSON.stringify({
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name, namespace: 'home', resourceVersion: '5' },
    spec: { holderIdentity: 'pod-0' },
  });

const PROTOBUF_WATCH = 'application/vnd.kubernetes.protobuf;stream=watch';

// A Lease as a protobuf watch frame: 4-byte length, WatchEvent{1: type, 2: RawExtension{1: envelope}}.
const leaseFrame = (type: string, name: string, holder: string): Buffer => {
  const meta = Buffer.concat([
    lengthDelimited(1, Buffer.from(name)),
    lengthDelimited(3, Buffer.from('home')),
    lengthDelimited(6, Buffer.from('5')),
  ]);
  const lease = Buffer.concat([
    lengthDelimited(1, meta),
    lengthDelimited(2, lengthDelimited(1, Buffer.from(holder))),
  ]);
  const envelope = sealEnvelope(typeMetaOf('coordination.k8s.io/v1', 'Lease'), lease);
  const event = Buffer.concat([
    lengthDelimited(1, Buffer.from(type)),
    lengthDelimited(2, lengthDelimited(1, envelope)),
  ]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(event.length);
  return Buffer.concat([head, event]);
};

// Splits a protobuf watch stream into its frames and reads each one's type and Lease name.
const readFrames = (stream: Buffer) => {
  const events: { type: string; name: string | undefined }[] = [];
  for (let at = 0; at < stream.length; ) {
    const length = stream.readUInt32BE(at);
    const event = stream.subarray(at + 4, at + 4 + length);
    const envelope = firstBytes(firstBytes(event, 2) ?? Buffer.alloc(0), 1) ?? Buffer.alloc(0);
    events.push({
      type: (firstBytes(event, 1) ?? Buffer.alloc(0)).toString('utf8'),
      name: objectOf(openEnvelope(envelope).raw).metadata?.name,
    });
    at += 4 + length;
  }
  return events;
};

const through = (
  podLabels: Record<string, string>,
  answer: string | Buffer,
  contentType = 'application/json',
  snapshot = canarySnapshot(podLabels),
) => {
  const terminal = cannedTerminal(answer, 200, { 'content-type': contentType });
  const namespaces = new StaticNamespaceLabels({ home: { 'ns-type': 'canary' } });
  const handler = chain<Exchange>()
    .use(pinRoutes({ current: () => snapshot }))
    .use(classifyRequest())
    .use(rewriteLock({ podNamespace: 'home', maxFrameBytes: 1 << 20 }))
    .use(decideOwnership(namespaces))
    .to(terminal);
  return { handler, terminal };
};

const path = '/apis/coordination.k8s.io/v1/namespaces/home/leases/sample-controller';
// How client-go watches one lock: the collection, narrowed by name.
const watchPath =
  '/apis/coordination.k8s.io/v1/namespaces/home/leases?watch=true&fieldSelector=metadata.name%3Dsample-controller';

describe('rewriteLock', () => {
  it('sends a subset to its own lock and maps the answer back to the name asked for', async () => {
    const { handler, terminal } = through({ version: 'v2' }, lease('sample-controller---v2'));
    const response = await handler(anExchange('GET', path));
    expect(terminal.seen[0]?.request.path).toBe(`${path}---v2`);
    expect(JSON.parse(await bodyText(response)).metadata.name).toBe('sample-controller');
  });

  it('renames the lock in the body of a create', async () => {
    const { handler, terminal } = through({ version: 'v2' }, lease('sample-controller---v2'));
    const exchange = anExchange('POST', '/apis/coordination.k8s.io/v1/namespaces/home/leases', {
      'content-type': 'application/json',
    });
    const sent = {
      ...exchange,
      request: {
        ...exchange.request,
        body: Readable.from([Buffer.from(lease('sample-controller'))]),
      },
    };
    await handler(sent);
    const forwarded = terminal.seen[0]?.request.body;
    expect(
      JSON.parse(await bodyText({ status: 0, headers: {}, body: forwarded ?? null })).metadata.name,
    ).toBe('sample-controller---v2');
  });

  it('lets the default subset keep the original lock, even outside its slice', async () => {
    // `home` is a canary namespace here: the default subset owns nothing in it but its lock.
    const { handler, terminal } = through({}, lease('sample-controller'));
    const response = await handler(anExchange('PUT', path));
    expect(terminal.seen[0]?.request.path).toBe(path);
    expect(response.status).toBe(200);
  });

  it('leaves other leases to the ownership rules', async () => {
    const { handler } = through({}, lease('other'));
    await expect(
      handler(anExchange('GET', '/apis/coordination.k8s.io/v1/namespaces/home/leases/other')),
    ).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
  });

  it('maps the lock name back in JSON watch events', async () => {
    const event = (type: string) =>
      `{"type":"${type}","object":${lease('sample-controller---v2')}}\n`;
    const { handler, terminal } = through({ version: 'v2' }, event('ADDED') + event('MODIFIED'));
    const response = await handler(anExchange('GET', watchPath));
    expect(terminal.seen[0]?.request.query).toContain('sample-controller---v2');
    const lines = (await bodyText(response)).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).object.metadata.name)).toEqual([
      'sample-controller',
      'sample-controller',
    ]);
  });

  it('maps the lock name back in protobuf watch frames split across chunks', async () => {
    const stream = Buffer.concat([
      leaseFrame('ADDED', 'sample-controller---v2', 'pod-0'),
      leaseFrame('MODIFIED', 'sample-controller---v2', 'pod-1'),
    ]);
    const { handler } = through({ version: 'v2' }, stream, PROTOBUF_WATCH);
    const response = await handler(anExchange('GET', watchPath));
    const mapped = Buffer.from(await bodyText(response, 'latin1'), 'latin1');
    expect(readFrames(mapped)).toEqual([
      { type: 'ADDED', name: 'sample-controller' },
      { type: 'MODIFIED', name: 'sample-controller' },
    ]);
    expect(mapped.length).toBe(stream.length - 2 * '---v2'.length);
  });

  it('ends a protobuf watch whose frame is above the frame limit', async () => {
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(2 << 20);
    const { handler } = through({ version: 'v2' }, huge, PROTOBUF_WATCH);
    const response = await handler(anExchange('GET', watchPath));
    await expect(bodyText(response)).rejects.toMatchObject({ code: 'FRAME_TOO_LARGE' });
  });

  it("takes the current revision's lock for a pod whose subset moves during a handover", async () => {
    const moving = handoverSnapshot({ version: 'v2' }, 'Revoking', renamedCanaryApp());
    const { handler, terminal } = through(
      { version: 'v2' },
      lease('sample-controller---v3'),
      'application/json',
      moving,
    );
    await handler(anExchange('GET', path));
    expect(terminal.seen[0]?.request.path).toBe(`${path}---v3`);
  });
});
