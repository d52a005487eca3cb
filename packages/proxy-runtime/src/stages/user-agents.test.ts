import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import { makeSnapshot } from '../routes/route-snapshot.js';
import { anExchange, bodyText, cannedTerminal, fixtureApp } from '../test-support/exchanges.js';
import { onBranch, untilDecided } from '../test-support/plan-branches.js';
import { WatchRegistry } from '../watches/watch-registry.js';
import { WatchSeeds } from '../watches/watch-seeds.js';
import { filterResponse } from './filter-response.js';
import { overriddenUserAgent } from './override-user-agent.js';

const namespaces = new StaticNamespaceLabels({ 'canary-a': {}, plain: {} });
const list = JSON.stringify({
  kind: 'ConfigMapList',
  metadata: { resourceVersion: '3' },
  items: [
    { metadata: { name: 'c', namespace: 'canary-a' } },
    { metadata: { name: 'p', namespace: 'plain' } },
  ],
});

const through = (podLabels: Record<string, string>, terminal = cannedTerminal(list)) => {
  const snapshot = makeSnapshot(fixtureApp('agents-vapp'), podLabels, 1);
  const handler = untilDecided(snapshot, namespaces).to(
    onBranch(
      'filter',
      filterResponse({
        routes: { current: () => snapshot },
        namespaces,
        seeds: new WatchSeeds(),
        watches: new WatchRegistry(),
        maxFrameBytes: 1 << 20,
        maxListBytes: 1 << 20,
      }),
      terminal,
    ),
  );
  return { handler, terminal };
};

const names = async (response: Parameters<typeof bodyText>[0]) =>
  (JSON.parse(await bodyText(response)).items as { metadata: { name: string } }[]).map(
    (i) => i.metadata.name,
  );

describe('user agents', () => {
  it("puts a prefix in front of the client's agent, or replaces it", () => {
    expect(overriddenUserAgent('mesh/', 'cache-warmer')).toBe('mesh/cache-warmer');
    expect(overriddenUserAgent('fixed', 'cache-warmer')).toBe('fixed');
    expect(overriddenUserAgent(undefined, 'cache-warmer')).toBe('cache-warmer');
  });

  it('sends the overridden agent upstream', async () => {
    const { handler, terminal } = through({});
    await bodyText(
      await handler(anExchange('GET', '/api/v1/configmaps', { 'user-agent': 'controller' })),
    );
    expect(terminal.seen[0]?.request.headers['user-agent']).toBe('mesh/controller');
  });

  it('serves a default-only agent in the default subset only: empty lists and 403 elsewhere', async () => {
    const warmer = { 'user-agent': 'cache-warmer' };
    // route-engine (DESIGN §4.6): for such an agent the default subset owns every target.
    expect(
      await names(await through({}).handler(anExchange('GET', '/api/v1/configmaps', warmer))),
    ).toEqual(['c', 'p']);
    const v2 = through({ version: 'v2' });
    expect(await names(await v2.handler(anExchange('GET', '/api/v1/configmaps', warmer)))).toEqual(
      [],
    );
    await expect(
      v2.handler(anExchange('GET', '/api/v1/namespaces/canary-a/configmaps/c', warmer)),
    ).rejects.toMatchObject({
      code: 'DEFAULT_ONLY_USER_AGENT',
    });
    expect(
      await names(
        await v2.handler(anExchange('GET', '/api/v1/configmaps', { 'user-agent': 'other' })),
      ),
    ).toEqual(['c']);
  });

  it('reads a gzip answer even though it asked for identity', async () => {
    const terminal = cannedTerminal(gzipSync(list), 200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const response = await through({}, terminal).handler(anExchange('GET', '/api/v1/configmaps'));
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(await names(response)).toEqual(['p']);
  });
});
