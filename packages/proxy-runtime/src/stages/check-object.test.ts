import { Readable } from 'node:stream';
import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange, ProxyResponse } from '../pipeline/exchange.js';
import { makeSnapshot, makeStateSnapshot } from '../routes/route-snapshot.js';
import { sealEnvelope, typeMetaOf } from '../streams/kube-protobuf.js';
import { lengthDelimited } from '../streams/protobuf-wire.js';
import { anExchange, bodyText, canarySnapshot, fixtureApp } from '../test-support/exchanges.js';
import { onBranch, untilDecided } from '../test-support/plan-branches.js';
import { checkObject } from './check-object.js';

const namespaces = new StaticNamespaceLabels({ work: {} });
const objects: Record<string, Record<string, string>> = { a1: { shard: 'a' }, b1: { shard: 'b' } };

// A tiny apiserver: GET of an object by name returns it with its labels (403 for `hidden`, 404 for
// names it does not know); anything else 200 {}.
const apiserver = () => {
  const seen: string[] = [];
  const handler = async (exchange: Exchange): Promise<ProxyResponse> => {
    const { method, path } = exchange.request;
    seen.push(`${method} ${path}`);
    const name = path.split('/').pop() ?? '';
    if (method === 'GET' && name === 'hidden') {
      return {
        status: 403,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"kind":"Status","code":403,"reason":"Forbidden"}'),
      };
    }
    if (method === 'GET' && objects[name]) {
      const body = JSON.stringify({
        kind: 'ConfigMap',
        metadata: { name, namespace: 'work', labels: objects[name] },
      });
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(body),
      };
    }
    if (method === 'GET')
      return {
        status: 404,
        headers: {},
        body: Buffer.from('{"kind":"Status","code":404}'),
      };
    return { status: 200, headers: {}, body: Buffer.from('{}') };
  };
  return Object.assign(handler, { seen });
};

const through = (
  podLabels: Record<string, string>,
  snapshot = makeSnapshot(fixtureApp('sharding-vapp'), podLabels, 1),
) => {
  const terminal = apiserver();
  const handler = untilDecided(snapshot, namespaces).to(
    onBranch('check-object', checkObject({ namespaces, maxFrameBytes: 1 << 20 }), terminal),
  );
  return { handler, terminal };
};

const cmPath = (name: string) => `/api/v1/namespaces/work/configmaps/${name}`;
const leasePath = (name: string) => `/apis/coordination.k8s.io/v1/namespaces/work/leases/${name}`;
const withBody = (
  exchange: Exchange,
  body: unknown,
  contentType = 'application/json',
): Exchange => ({
  ...exchange,
  request: {
    ...exchange.request,
    headers: { 'content-type': contentType },
    body: Readable.from([
      Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    ]),
  },
});
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

// A Lease in Kubernetes protobuf: ObjectMeta (field 1) with name (1) and labels (11).
const protobufLease = (name: string, labels: Record<string, string>): Buffer =>
  sealEnvelope(
    typeMetaOf('coordination.k8s.io/v1', 'Lease'),
    lengthDelimited(
      1,
      Buffer.concat([
        lengthDelimited(1, Buffer.from(name)),
        ...Object.entries(labels).map(([key, value]) =>
          lengthDelimited(
            11,
            Buffer.concat([
              lengthDelimited(1, Buffer.from(key)),
              lengthDelimited(2, Buffer.from(value)),
            ]),
          ),
        ),
      ]),
    ),
  );

const refused = { code: 'OUTSIDE_SLICE' };

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

  it('counts a 403 on the object it read as denied, and an allowed read as owned (issue 13)', async () => {
    const { handler } = through({});
    const own = anExchange('GET', cmPath('b1'));
    await bodyText(await handler(own));
    const other = anExchange('GET', cmPath('a1'));
    await expect(handler(other)).rejects.toMatchObject({ code: 'OUTSIDE_SLICE' });
    const exec = anExchange('POST', '/api/v1/namespaces/work/pods/a1/exec?command=sh');
    await expect(handler(exec)).rejects.toMatchObject({ code: 'OUTSIDE_SLICE' });
    expect([own, other, exec].map((e) => e.report.decision)).toEqual(['owned', 'denied', 'denied']);
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
    await expect(
      handler(withBody(anExchange('PATCH', cmPath('a1')), { data: { k: 'v' } }, MERGE)),
    ).rejects.toMatchObject({
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

  it('sends its own read before an exec as a short request, the exec as a long-running one (issue 13)', async () => {
    const terminal = apiserver();
    const forwarded: string[] = [];
    await untilDecided(makeSnapshot(fixtureApp('sharding-vapp'), {}, 1), namespaces).to(
      onBranch('check-object', checkObject({ namespaces, maxFrameBytes: 1 << 20 }), (exchange) => {
        const { method, info } = exchange.request;
        forwarded.push(`${method} ${info.longRunning ? 'long' : 'short'}`);
        return terminal(exchange);
      }),
    )(anExchange('POST', '/api/v1/namespaces/work/pods/b1/exec?command=sh'));
    expect(forwarded).toEqual(['GET short', 'POST long']);
  });

  it('decides a Namespace create on the new namespace itself', async () => {
    const snapshot = canarySnapshot({});
    const handler = untilDecided(snapshot, namespaces).to(
      onBranch('check-object', checkObject({ namespaces, maxFrameBytes: 1 << 20 }), apiserver()),
    );
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

describe('checkObject: writes that would create or leave an object outside the slice (issue 9)', () => {
  it("refuses a server-side apply that creates an object in another subset's slice", async () => {
    const { handler, terminal } = through({});
    const apply = anExchange('PATCH', cmPath('new'), { 'content-type': APPLY });
    const yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n  labels:\n    shard: a\n';
    await expect(handler(withBody(apply, yaml, APPLY))).rejects.toMatchObject({
      ...refused,
      owner: 'a',
    });
    // JSON is YAML too.
    await expect(
      handler(withBody(apply, { metadata: { name: 'new', labels: { shard: 'a' } } }, APPLY)),
    ).rejects.toMatchObject(refused);
    expect(terminal.seen).toEqual([`GET ${cmPath('new')}`, `GET ${cmPath('new')}`]);
  });

  it('lets a server-side apply create an object in its own slice', async () => {
    const { handler, terminal } = through({ shard: 'a' });
    const yaml = 'metadata:\n  name: new\n  labels: {shard: a}\ndata: {k: v}\n';
    const answer = await handler(withBody(anExchange('PATCH', cmPath('new')), yaml, APPLY));
    expect(answer.status).toBe(200);
    expect(terminal.seen).toEqual([`GET ${cmPath('new')}`, `PATCH ${cmPath('new')}`]);
  });

  it("refuses a PUT that creates a Lease in another subset's slice, in JSON, YAML or protobuf", async () => {
    const { handler, terminal } = through({ shard: 'a' });
    const put = anExchange('PUT', leasePath('new'));
    const bodies: [unknown, string][] = [
      [{ metadata: { name: 'new', labels: { shard: 'b' } } }, 'application/json'],
      ['metadata:\n  name: new\n  labels:\n    shard: b\n', 'application/yaml'],
      [protobufLease('new', { shard: 'b' }), 'application/vnd.kubernetes.protobuf'],
      [{ metadata: { name: 'new' } }, 'application/json'],
    ];
    for (const [body, type] of bodies) {
      await expect(handler(withBody(put, body, type))).rejects.toMatchObject({
        ...refused,
        owner: DEFAULT_SUBSET,
      });
    }
    expect(terminal.seen).toEqual(bodies.map(() => `GET ${leasePath('new')}`));
  });

  it('lets a PUT create a Lease in its own slice', async () => {
    const { handler, terminal } = through({ shard: 'a' });
    const put = anExchange('PUT', leasePath('new'));
    await handler(
      withBody(put, protobufLease('new', { shard: 'a' }), 'application/vnd.kubernetes.protobuf'),
    );
    expect(terminal.seen).toEqual([`GET ${leasePath('new')}`, `PUT ${leasePath('new')}`]);
  });

  it("passes JSON, merge and strategic patches of a missing object to the apiserver's 404", async () => {
    const { handler, terminal } = through({});
    const patch = anExchange('PATCH', cmPath('new'));
    const labelled = { metadata: { labels: { shard: 'a' } } };
    await handler(withBody(patch, labelled, MERGE));
    await handler(withBody(patch, labelled, STRATEGIC));
    await handler(
      withBody(patch, [{ op: 'add', path: '/metadata/labels/shard', value: 'a' }], JSON_PATCH),
    );
    expect(terminal.seen.filter((seen) => seen.startsWith('PATCH'))).toHaveLength(3);
  });

  it('refuses an update or patch whose labels hand an object to another subset', async () => {
    const { handler, terminal } = through({});
    const toA = { metadata: { labels: { shard: 'a' } } };
    const moves: [unknown, string][] = [
      [{ metadata: { name: 'b1', labels: { shard: 'a' } } }, 'application/json'],
      [toA, MERGE],
      [toA, STRATEGIC],
      [{ metadata: { labels: { $patch: 'replace', shard: 'a' } } }, STRATEGIC],
      [[{ op: 'replace', path: '/metadata/labels/shard', value: 'a' }], JSON_PATCH],
      [[{ op: 'replace', path: '/metadata/labels', value: { shard: 'a' } }], JSON_PATCH],
      ['metadata:\n  labels:\n    shard: a\n', APPLY],
    ];
    for (const [body, type] of moves) {
      const method = type === 'application/json' ? 'PUT' : 'PATCH';
      await expect(
        handler(withBody(anExchange(method, cmPath('b1')), body, type)),
      ).rejects.toMatchObject({ ...refused, owner: 'a' });
    }
    expect(terminal.seen.every((seen) => seen.startsWith('GET'))).toBe(true);
  });

  it('refuses a write that drops the label keeping an object in its slice', async () => {
    const { handler } = through({ shard: 'a' });
    const drops: [unknown, string][] = [
      [{ metadata: { name: 'a1' } }, 'application/json'],
      [{ metadata: { labels: { shard: null } } }, MERGE],
      [{ metadata: { labels: null } }, STRATEGIC],
      [{ metadata: { labels: { $patch: 'delete' } } }, STRATEGIC],
      [[{ op: 'remove', path: '/metadata/labels/shard' }], JSON_PATCH],
      [[{ op: 'move', from: '/metadata/labels/shard', path: '/metadata/labels/was' }], JSON_PATCH],
    ];
    for (const [body, type] of drops) {
      const method = type === 'application/json' ? 'PUT' : 'PATCH';
      await expect(
        handler(withBody(anExchange(method, cmPath('a1')), body, type)),
      ).rejects.toMatchObject({ ...refused, owner: DEFAULT_SUBSET });
    }
  });

  it('lets updates and patches that keep an own object in the slice through', async () => {
    const { handler, terminal } = through({});
    const keeps: [unknown, string][] = [
      [
        { metadata: { name: 'b1', labels: { shard: 'b', tier: 'x' } }, data: {} },
        'application/json',
      ],
      [{ data: { k: 'v' } }, MERGE],
      [{ metadata: { labels: { tier: 'x' } } }, STRATEGIC],
      [[{ op: 'add', path: '/metadata/labels/tier', value: 'x' }], JSON_PATCH],
      [[{ op: 'test', path: '/metadata/labels/shard', value: 'b' }], JSON_PATCH],
      ['data:\n  k: v\n', APPLY],
    ];
    for (const [body, type] of keeps) {
      const method = type === 'application/json' ? 'PUT' : 'PATCH';
      expect((await handler(withBody(anExchange(method, cmPath('b1')), body, type))).status).toBe(
        200,
      );
    }
    expect(terminal.seen.filter((seen) => !seen.startsWith('GET'))).toHaveLength(keeps.length);
  });

  it('answers a write with the read of the object when that read fails, and sends nothing', async () => {
    const { handler, terminal } = through({});
    const answer = await handler(
      withBody(anExchange('PATCH', cmPath('hidden')), { data: { k: 'v' } }, MERGE),
    );
    expect(answer.status).toBe(403);
    expect(JSON.parse(await bodyText(answer))).toMatchObject({ kind: 'Status', code: 403 });
    expect((await handler(anExchange('DELETE', cmPath('hidden')))).status).toBe(403);
    expect(terminal.seen).toEqual([`GET ${cmPath('hidden')}`, `GET ${cmPath('hidden')}`]);
  });

  it('refuses a JSON patch that does not apply to the object as it is now, and sends nothing', async () => {
    const { handler, terminal } = through({});
    const patch = [{ op: 'test', path: '/metadata/labels/shard', value: 'a' }];
    await expect(
      handler(withBody(anExchange('PATCH', cmPath('b1')), patch, JSON_PATCH)),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(terminal.seen).toEqual([`GET ${cmPath('b1')}`]);
  });

  it('refuses a patch or update body it cannot read with 415, before any round trip', async () => {
    const { handler, terminal } = through({});
    const unreadable: [string, string][] = [
      ['PATCH', 'application/apply-patch+cbor'],
      ['PATCH', 'application/json'],
      ['PUT', 'text/plain'],
    ];
    for (const [method, type] of unreadable) {
      await expect(
        handler(withBody(anExchange(method, cmPath('b1')), '{}', type)),
      ).rejects.toMatchObject({ code: 'UNREADABLE_BODY' });
    }
    await expect(
      handler(withBody(anExchange('PATCH', cmPath('b1')), 'metadata: [', APPLY)),
    ).rejects.toMatchObject({ code: 'UNREADABLE_BODY' });
    expect(terminal.seen).toEqual([]);
  });

  describe('during a handover (Revoking)', () => {
    // The shard rule moves from shard=a to shard=b objects: both change owner.
    const sharding = fixtureApp('sharding-vapp');
    const reSharded = {
      ...sharding,
      spec: {
        ...sharding.spec,
        route: {
          subRules: [
            { name: 'shard-a', match: [{ objectSelector: { matchLabels: { shard: 'b' } } }] },
          ],
        },
      },
    };
    const handover = (phase: 'Revoking' | 'Settled', podLabels: Record<string, string>) =>
      through(
        podLabels,
        makeStateSnapshot(
          {
            phase,
            previous: { app: sharding, name: 'sharded-aaaaaaaaaa' },
            current: { app: reSharded, name: 'sharded-bbbbbbbbbb' },
          },
          podLabels,
          1,
        ),
      );
    const revoked = {
      code: 'REVOKED',
      message: expect.stringContaining(
        'handed over between revisions sharded-aaaaaaaaaa and sharded-bbbbbbbbbb',
      ),
    };

    it('refuses gets and writes of objects whose owner changes, for every subset', async () => {
      for (const podLabels of [{ shard: 'a' }, {}] as Record<string, string>[]) {
        const { handler } = handover('Revoking', podLabels);
        const get = anExchange('GET', cmPath('a1'));
        await expect(handler(get)).rejects.toMatchObject(revoked);
        expect(get.report.decision).toBe('revoked');
        await expect(handler(anExchange('DELETE', cmPath('b1')))).rejects.toMatchObject(revoked);
        const create = withBody(anExchange('POST', '/api/v1/namespaces/work/configmaps'), {
          metadata: { name: 'new', labels: { shard: 'b' } },
        });
        await expect(handler(create)).rejects.toMatchObject(revoked);
      }
    });

    it('hands the objects over once Settled', async () => {
      const { handler } = handover('Settled', { shard: 'a' });
      expect(
        JSON.parse(await bodyText(await handler(anExchange('GET', cmPath('b1'))))).metadata.name,
      ).toBe('b1');
      await expect(handler(anExchange('GET', cmPath('a1')))).rejects.toMatchObject(refused);
    });
  });
});
