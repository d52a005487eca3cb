import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { watchFaultPlan } from '@ctrlmesh/traffic-policy';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { type FaultInjected, faultInjected } from '../observe/channels.js';
import type { Exchange } from '../pipeline/exchange.js';
import type { Handler } from '../pipeline/stage.js';
import type { StreamFaults } from '../policies/stream-faults.js';
import { makeSnapshot, type RouteSnapshot } from '../routes/route-snapshot.js';
import { statusFor } from '../status/status-for.js';
import {
  anExchange,
  bodyText,
  canarySnapshot,
  cannedTerminal,
  fixtureApp,
} from '../test-support/exchanges.js';
import { onBranch, untilDecided } from '../test-support/plan-branches.js';
import { WatchRegistry } from '../watches/watch-registry.js';
import { WatchSeeds } from '../watches/watch-seeds.js';
import { filterResponse } from './filter-response.js';

const namespaces = new StaticNamespaceLabels({
  'canary-a': {},
  lab: { 'ns-type': 'canary' },
  plain: {},
  'kube-system': { 'ns-type': 'system' },
});

const cm = (namespace: string, name: string, rv: string) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace, resourceVersion: rv, labels: { sample: 'yes' } },
});

const list = JSON.stringify({
  kind: 'ConfigMapList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '50' },
  items: [
    cm('canary-a', 'a', '10'),
    cm('plain', 'p', '11'),
    cm('kube-system', 's', '12'),
    cm('lab', 'l', '13'),
  ],
});

const setup = (
  podLabels: Record<string, string>,
  snapshot = canarySnapshot(podLabels),
  // What the route store holds now; the snapshot the request pinned unless a test swaps it.
  current: () => RouteSnapshot | undefined = () => snapshot,
) => {
  const seeds = new WatchSeeds();
  const watches = new WatchRegistry();
  const through = (terminal: Handler) =>
    untilDecided(snapshot, namespaces).to(
      onBranch(
        'filter',
        filterResponse({
          routes: { current },
          namespaces,
          seeds,
          watches,
          maxFrameBytes: 1 << 20,
          maxListBytes: 1 << 20,
        }),
        terminal,
      ),
    );
  return { seeds, watches, through };
};

const names = (text: string) =>
  (JSON.parse(text).items as { metadata: { namespace: string; name: string } }[]).map(
    (item) => `${item.metadata.namespace}/${item.metadata.name}`,
  );

describe('filterResponse', () => {
  it('gives each subset exactly its slice of a list across namespaces', async () => {
    for (const [labels, expected] of [
      [{}, ['plain/p']],
      [{ version: 'v2' }, ['canary-a/a', 'lab/l']],
    ] as const) {
      const { through } = setup(labels);
      const response = await through(cannedTerminal(list))(anExchange('GET', '/api/v1/configmaps'));
      expect(response.headers['content-length']).toBeUndefined();
      expect(names(await bodyText(response))).toEqual(expected);
    }
  });

  it('asks the apiserver for uncompressed JSON', async () => {
    const { through } = setup({});
    const terminal = cannedTerminal(list);
    await bodyText(
      await through(terminal)(
        anExchange('GET', '/api/v1/configmaps', {
          accept: 'application/vnd.kubernetes.protobuf, application/json',
          'accept-encoding': 'gzip',
        }),
      ),
    );
    expect(terminal.seen[0]?.request.headers).toEqual({ accept: 'application/json' });
  });

  it('seeds a watch from its list and turns a move out of the slice into DELETED', async () => {
    const { through } = setup({ version: 'v2' });
    await bodyText(await through(cannedTerminal(list))(anExchange('GET', '/api/v1/configmaps')));
    const moved = { ...cm('lab', 'l', '60') };
    const events = `${JSON.stringify({ type: 'MODIFIED', object: { ...cm('plain', 'p', '59') } })}\n${JSON.stringify({ type: 'MODIFIED', object: moved })}\n`;
    // Namespace lab loses its canary label: l now belongs to the default subset.
    namespaces.set('lab', {});
    try {
      const response = await through(cannedTerminal(events))(
        anExchange(
          'GET',
          '/api/v1/configmaps?watch=true&resourceVersion=50&allowWatchBookmarks=true',
        ),
      );
      const out = (await bodyText(response))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(
        out.map(
          (e) => `${e.type} ${e.object.metadata.name ?? ''} ${e.object.metadata.resourceVersion}`,
        ),
      ).toEqual(['BOOKMARK  59', 'DELETED l 60']);
    } finally {
      namespaces.set('lab', { 'ns-type': 'canary' });
    }
  });

  it('reads sendInitialEvents=True as the apiserver does: no 410 for a watch that lists first (issue 13)', async () => {
    const { through } = setup({});
    const events = `${JSON.stringify({ type: 'ADDED', object: cm('plain', 'p', '78') })}\n`;
    const response = await through(cannedTerminal(events))(
      anExchange(
        'GET',
        '/api/v1/configmaps?watch=1&sendInitialEvents=True&resourceVersionMatch=NotOlderThan&resourceVersion=77',
      ),
    );
    expect(JSON.parse((await bodyText(response)).trim())).toMatchObject({ type: 'ADDED' });
  });

  it('reads allowWatchBookmarks=True as the apiserver does: a dropped event becomes a BOOKMARK (issue 13)', async () => {
    const { through } = setup({});
    await bodyText(await through(cannedTerminal(list))(anExchange('GET', '/api/v1/configmaps')));
    const events = `${JSON.stringify({ type: 'MODIFIED', object: cm('lab', 'l', '60') })}\n`;
    const response = await through(cannedTerminal(events))(
      anExchange(
        'GET',
        '/api/v1/configmaps?watch=true&resourceVersion=50&allowWatchBookmarks=True',
      ),
    );
    const out = JSON.parse((await bodyText(response)).trim());
    expect(`${out.type} ${out.object.metadata.resourceVersion}`).toBe('BOOKMARK 60');
  });

  it('resumes a watch from a list made with another user agent, as client-node 2.x makes them (issue 13)', async () => {
    const { through } = setup({});
    await bodyText(
      await through(cannedTerminal(list))(
        anExchange('GET', '/api/v1/configmaps', {
          'user-agent': 'kubernetes-client-javascript/2.0.1',
        }),
      ),
    );
    const events = `${JSON.stringify({ type: 'MODIFIED', object: cm('plain', 'p', '61') })}\n`;
    const response = await through(cannedTerminal(events))(
      anExchange('GET', '/api/v1/configmaps?watch=true&resourceVersion=50', {
        'user-agent': 'undici',
      }),
    );
    expect(JSON.parse((await bodyText(response)).trim())).toMatchObject({ type: 'MODIFIED' });
  });

  it('does not resume a watch from a list a default-only user agent was shown', async () => {
    const { through } = setup({}, makeSnapshot(fixtureApp('agents-vapp'), {}, 1));
    // The default pod shows `cache-warmer` (mesh/cache-warmer, default-only) the canary namespaces too.
    const shown = await bodyText(
      await through(cannedTerminal(list))(
        anExchange('GET', '/api/v1/configmaps', { 'user-agent': 'cache-warmer' }),
      ),
    );
    expect(names(shown)).toContain('canary-a/a');
    const terminal = cannedTerminal('');
    await expect(
      through(terminal)(
        anExchange('GET', '/api/v1/configmaps?watch=true&resourceVersion=50', {
          'user-agent': 'controller',
        }),
      ).catch((error) => statusFor(error).status),
    ).resolves.toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('keeps the positions of a namespace whose neighbour was relabelled', async () => {
    const { through, seeds } = setup({});
    const plainList = JSON.stringify({ ...JSON.parse(list), items: [cm('plain', 'p', '11')] });
    const listed = (namespace: string) =>
      through(cannedTerminal(plainList))(
        anExchange('GET', `/api/v1/namespaces/${namespace}/configmaps`),
      ).then(bodyText);
    const watchFrom50 = () =>
      through(cannedTerminal(''))(
        anExchange('GET', '/api/v1/namespaces/plain/configmaps?watch=true&resourceVersion=50'),
      )
        .then(bodyText)
        .then(() => 200)
        .catch((error) => statusFor(error).status.code);
    await listed('plain');
    seeds.forgetNamespace('lab');
    expect(await watchFrom50()).toBe(200);
    seeds.forgetNamespace('plain');
    expect(await watchFrom50()).toBe(410);
  });

  it('answers 410 Expired to a watch from a position this proxy never served', async () => {
    const { through } = setup({});
    const terminal = cannedTerminal('');
    await expect(
      through(terminal)(
        anExchange('GET', '/api/v1/configmaps?watch=true&resourceVersion=77'),
      ).catch((error) => statusFor(error).status),
    ).resolves.toMatchObject({ code: 410, reason: 'Expired' });
    expect(terminal.seen).toHaveLength(0);
  });

  it('ends open watches with 410 Expired when new routes show them other objects', async () => {
    const { through, watches } = setup({});
    const never = new ReadableStreamLike();
    const response = await through(async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: never.readable,
    }))(anExchange('GET', '/api/v1/configmaps?watch=true'));
    expect(watches.size).toBe(1);
    // The same rules again leave the watch open; the pod moving to v2 ends it.
    watches.expireChanged(canarySnapshot({}), 'same rules');
    expect(watches.size).toBe(1);
    watches.expireChanged(canarySnapshot({ version: 'v2' }), 'routes changed');
    const last = JSON.parse((await bodyText(response)).trim());
    expect(last).toMatchObject({
      type: 'ERROR',
      object: { code: 410, reason: 'Expired', message: 'routes changed' },
    });
  });

  it('answers 410 Expired to a watch whose routes changed while it opened, instead of serving the old ones', async () => {
    const swapped = canarySnapshot({});
    const { through, watches } = setup({}, canarySnapshot({}), () => swapped);
    const terminal = cannedTerminal('');
    await expect(
      through(terminal)(anExchange('GET', '/api/v1/configmaps?watch=true')).catch(
        (error) => statusFor(error).status,
      ),
    ).resolves.toMatchObject({ code: 410, reason: 'Expired' });
    expect(terminal.seen).toHaveLength(0);
    expect(watches.size).toBe(0);
  });

  it('passes an error Status from the apiserver through unchanged', async () => {
    const { through } = setup({});
    const status = '{"kind":"Status","code":403,"reason":"Forbidden"}';
    const response = await through(cannedTerminal(status, 403))(
      anExchange('GET', '/api/v1/configmaps'),
    );
    expect(response.status).toBe(403);
    expect(await bodyText(response)).toBe(status);
  });
});

/** A body that never ends on its own. */
class ReadableStreamLike {
  readonly readable = new PassThrough();
}

describe('filterResponse with faults a FaultInjection decided (applyTrafficPolicy)', () => {
  const faultyExchange = (url: string, streamFaults: StreamFaults) =>
    ({ ...anExchange('GET', url), streamFaults }) as Exchange;

  it('holds the end of a slow list for the time its shown items take, and counts it', async () => {
    const { through } = setup({ version: 'v2' });
    const seen: FaultInjected[] = [];
    const stop = faultInjected.subscribe((m) => seen.push(m));
    const asked: number[] = [];
    try {
      const slowList = {
        policy: 'ops/chaos',
        fault: 'slow',
        delayFor: (items: number) => {
          asked.push(items);
          return 20;
        },
      };
      const response = await through(cannedTerminal(list))(
        faultyExchange('/api/v1/configmaps', { slowList }),
      );
      expect(names(await bodyText(response))).toEqual(['canary-a/a', 'lab/l']);
      expect(asked).toEqual([2]);
      expect(seen).toEqual([{ policy: 'ops/chaos', fault: 'slow', kind: 'slowList', code: 0 }]);
    } finally {
      stop();
    }
  });

  it('cuts a watch after the events a fault allows, with 410 Expired, and counts the cut', async () => {
    const { through } = setup({});
    const events = [1, 2, 3]
      .map((i) => JSON.stringify({ type: 'ADDED', object: cm('plain', `p${i}`, String(60 + i)) }))
      .join('\n');
    const seen: FaultInjected[] = [];
    const stop = faultInjected.subscribe((m) => seen.push(m));
    try {
      const watch = {
        policy: 'ops/chaos',
        fault: 'cut',
        plan: watchFaultPlan({ afterEvents: 2, end: 'Expired' }, 0, 'injected watch cut'),
      };
      const response = await through(cannedTerminal(`${events}\n`))(
        faultyExchange('/api/v1/namespaces/plain/configmaps?watch=true', { watch }),
      );
      const out = (await bodyText(response))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(out.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ERROR']);
      expect(out[2].object).toMatchObject({ code: 410, message: 'injected watch cut' });
      expect(seen).toEqual([{ policy: 'ops/chaos', fault: 'cut', kind: 'watch', code: 410 }]);
    } finally {
      stop();
    }
  });
});

describe('filterResponse with protobuf', () => {
  const recorded = (name: string) =>
    readFileSync(new URL(`../streams/fixtures/${name}`, import.meta.url));

  it('filters a protobuf list for a client that accepts nothing else', async () => {
    const { through } = setup({ version: 'v2' });
    const terminal = cannedTerminal(recorded('configmap-list.pb'), 200, {
      'content-type': 'application/vnd.kubernetes.protobuf',
    });
    const response = await through(terminal)(
      anExchange('GET', '/api/v1/configmaps', { accept: 'application/vnd.kubernetes.protobuf' }),
    );
    expect(terminal.seen[0]?.request.headers.accept).toBe('application/vnd.kubernetes.protobuf');
    const body = Buffer.from(await bodyText(response, 'latin1'), 'latin1');
    expect(body.includes(Buffer.from('team-b'))).toBe(false);
    expect(body.includes(Buffer.from('canary-a'))).toBe(true);
  });

  it('streams protobuf watch frames for a client that prefers them', async () => {
    const { through } = setup({ version: 'v2' });
    const terminal = cannedTerminal(recorded('configmap-watch.pb'), 200, {
      'content-type': 'application/vnd.kubernetes.protobuf;stream=watch',
    });
    const response = await through(terminal)(
      anExchange('GET', '/api/v1/configmaps?watch=true', {
        accept: 'application/vnd.kubernetes.protobuf, */*',
      }),
    );
    expect(terminal.seen[0]?.request.headers.accept).toBe(
      'application/vnd.kubernetes.protobuf, */*',
    );
    const body = Buffer.from(await bodyText(response, 'latin1'), 'latin1');
    // canary-a/two (MODIFIED) and canary-a/three (ADDED) are v2's; team-b's events are hidden.
    expect(body.includes(Buffer.from('team-b'))).toBe(false);
    expect(body.includes(Buffer.from('three'))).toBe(true);
  });
});

describe('filterResponse with Tables (kubectl get -w), issue 9', () => {
  const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
  const recorded = (name: string) =>
    readFileSync(new URL(`../streams/fixtures/${name}`, import.meta.url));
  const rowsOf = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .flatMap((event) =>
        (event.object.rows as { object: { metadata: { namespace: string; name: string } } }[]).map(
          (row) => `${event.type} ${row.object.metadata.namespace}/${row.object.metadata.name}`,
        ),
      );

  it.each(['metadata', 'object'])(
    "gives each pod's Table watch (includeObject=%s) exactly its own objects",
    async (include) => {
      // canary-a is v2's (named canary-*), plain the default subset's (recorded from kas).
      for (const [labels, expected] of [
        [{}, ['ADDED plain/two', 'MODIFIED plain/two', 'DELETED plain/two', 'ADDED plain/three']],
        [
          { version: 'v2' },
          [
            'ADDED canary-a/one',
            'MODIFIED canary-a/one',
            'DELETED canary-a/one',
            'ADDED canary-a/four',
          ],
        ],
      ] as const) {
        const { through } = setup(labels);
        const terminal = cannedTerminal(recorded(`configmap-table-watch-${include}.jsonl`), 200, {
          'content-type': 'application/json',
        });
        const response = await through(terminal)(
          anExchange('GET', `/api/v1/configmaps?watch=true&includeObject=${include}`, {
            accept: `${TABLE}, application/json`,
          }),
        );
        expect(terminal.seen[0]?.request.headers.accept).toBe(`${TABLE}, application/json`);
        expect(rowsOf(await bodyText(response))).toEqual(expected);
      }
    },
  );

  it.each([
    ['watch', '/api/v1/configmaps?watch=true&includeObject=None'],
    ['list', '/api/v1/namespaces/plain/configmaps?includeObject=None'],
  ])('refuses a Table %s without row objects (includeObject=None) with 400', async (_verb, url) => {
    const { through } = setup({});
    const terminal = cannedTerminal(recorded('configmap-table-watch-none.jsonl'));
    await expect(
      through(terminal)(anExchange('GET', url, { accept: TABLE })).catch(
        (error) => statusFor(error).status,
      ),
    ).resolves.toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: expect.stringContaining('includeObject=None'),
    });
    expect(terminal.seen).toHaveLength(0);
  });

  it('filters a plain watch with includeObject=None as any other (it is a Table option)', async () => {
    const { through } = setup({});
    const terminal = cannedTerminal('');
    await bodyText(
      await through(terminal)(
        anExchange('GET', '/api/v1/configmaps?watch=true&includeObject=None'),
      ),
    );
    expect(terminal.seen).toHaveLength(1);
  });
});
