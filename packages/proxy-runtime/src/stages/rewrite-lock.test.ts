import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange } from '../pipeline/exchange.js';
import { chain } from '../pipeline/stage.js';
import { anExchange, bodyText, canarySnapshot, cannedTerminal } from '../test-support/exchanges.js';
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

const through = (podLabels: Record<string, string>, answer: string) => {
  const snapshot = canarySnapshot(podLabels);
  const terminal = cannedTerminal(answer);
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
});
