import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import { chain } from '../pipeline/stage.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { anExchange, bodyText, canarySnapshot, fixtureApp } from '../test-support/exchanges.js';
import { checkObject } from './check-object.js';
import { classifyRequest } from './classify-request.js';
import { decideOwnership } from './decide-ownership.js';
import { pinRoutes } from './pin-routes.js';

const namespaces = new StaticNamespaceLabels({ work: {} });
const objects: Record<string, Record<string, string>> = { a1: { shard: 'a' }, b1: { shard: 'b' } };

// A tiny apiserver: GET of a ConfigMap by name returns it with its labels; anything else 200 {}.
const apiserver = () => {
  const seen: string[] = [];
  const handler = async (exchange: Exchange): Promise<ProxyResponse> => {
    const { method, path } = exchange.request;
    seen.push(`${method} ${path}`);
    const name = path.split('/').pop() ?? '';
    if (method === 'GET' && objects[name]) {
      const body = JSON.stringify({
        kind: 'ConfigMap',
        metadata: { name, namespace: 'work', labels: objects[name] },
      });
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Readable.from([Buffer.from(body)]),
      };
    }
    if (method === 'GET')
      return {
        status: 404,
        headers: {},
        body: Readable.from([Buffer.from('{"kind":"Status","code":404}')]),
      };
    return { status: 200, headers: {}, body: Readable.from([Buffer.from('{}')]) };
  };
  return Object.assign(handler, { seen });
};

const through = (podLabels: Record<string, string>) => {
  const snapshot = makeSnapshot(fixtureApp('sharding-vapp'), podLabels, 1);
  const terminal = apiserver();
  const handler = chain<Exchange>()
    .use(pinRoutes({ current: () => snapshot }))
    .use(classifyRequest())
    .use(decideOwnership(namespaces))
    .use(checkObject({ namespaces, maxFrameBytes: 1 << 20 }))
    .to(terminal);
  return { handler, terminal };
};

const cmPath = (name: string) => `/api/v1/namespaces/work/configmaps/${name}`;
const withBody = (exchange: Exchange, body: object): Exchange => ({
  ...exchange,
  request: {
    ...exchange.request,
    headers: { 'content-type': 'application/json' },
    body: Readable.from([Buffer.from(JSON.stringify(body))]),
  },
});

describe('checkObject (ownership by object labels)', () => {
  it("shows a shard its own object and refuses the other shard's with 403", async () => {
    const { handler } = through({ shard: 'a' });
    expect(
      JSON.parse(await bodyText(await handler(anExchange('GET', cmPath('a1'))))).metadata.name,
    ).toBe('a1');
    await expect(handler(anExchange('GET', cmPath('b1')))).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
  });

  it("passes the apiserver's 404 through for an object that does not exist", async () => {
    const { handler } = through({});
    expect((await handler(anExchange('GET', cmPath('nope')))).status).toBe(404);
  });

  it('decides a create on the labels in its body', async () => {
    const { handler, terminal } = through({});
    const create = anExchange('POST', '/api/v1/namespaces/work/configmaps');
    await handler(withBody(create, { metadata: { name: 'new', labels: { shard: 'b' } } }));
    await expect(
      handler(withBody(create, { metadata: { name: 'x', labels: { shard: 'a' } } })),
    ).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
    expect(terminal.seen).toEqual(['POST /api/v1/namespaces/work/configmaps']);
  });

  it('decides update, patch and delete on the object as it is now', async () => {
    const { handler, terminal } = through({});
    await handler(anExchange('DELETE', cmPath('b1')));
    await expect(handler(anExchange('PATCH', cmPath('a1')))).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
    expect(terminal.seen).toEqual([
      `GET ${cmPath('b1')}`,
      `DELETE ${cmPath('b1')}`,
      `GET ${cmPath('a1')}`,
    ]);
  });

  it('decides exec and other subresource creates on the parent object', async () => {
    const { handler, terminal } = through({});
    await handler(anExchange('POST', '/api/v1/namespaces/work/pods/b1/exec?command=sh'));
    await expect(
      handler(anExchange('POST', '/api/v1/namespaces/work/pods/a1/exec?command=sh')),
    ).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
    expect(terminal.seen).toEqual([
      'GET /api/v1/namespaces/work/pods/b1',
      'POST /api/v1/namespaces/work/pods/b1/exec',
      'GET /api/v1/namespaces/work/pods/a1',
    ]);
  });

  it('decides a Namespace create on the new namespace itself', async () => {
    const snapshot = canarySnapshot({});
    const handler = chain<Exchange>()
      .use(pinRoutes({ current: () => snapshot }))
      .use(classifyRequest())
      .use(decideOwnership(namespaces))
      .use(checkObject({ namespaces, maxFrameBytes: 1 << 20 }))
      .to(apiserver());
    const create = anExchange('POST', '/api/v1/namespaces');
    await handler(withBody(create, { metadata: { name: 'team-x' } }));
    await expect(
      handler(withBody(create, { metadata: { name: 'canary-x' } })),
    ).rejects.toMatchObject({
      code: 'OUTSIDE_SLICE',
    });
  });

  it('refuses deletecollection where objects of several subsets live', async () => {
    const { handler } = through({});
    await expect(
      handler(anExchange('DELETE', '/api/v1/namespaces/work/configmaps')),
    ).rejects.toMatchObject({
      code: 'MIXED_SLICE',
    });
  });
});
