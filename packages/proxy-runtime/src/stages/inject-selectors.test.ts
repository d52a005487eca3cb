import { describe, expect, it } from 'vitest';
import { StaticResourceScopes } from '../discovery/resource-scopes.js';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import type { Exchange } from '../pipeline/exchange.js';
import { chain } from '../pipeline/stage.js';
import { anExchange, canarySnapshot, cannedTerminal } from '../test-support/exchanges.js';
import { onBranch } from '../test-support/plan-branches.js';
import { classifyRequest } from './classify-request.js';
import { decideOwnership } from './decide-ownership.js';
import { injectSelectors } from './inject-selectors.js';
import { pinRoutes } from './pin-routes.js';
import { rewriteLock } from './rewrite-lock.js';

const namespaces = new StaticNamespaceLabels({
  'canary-a': {},
  lab: { 'ns-type': 'canary' },
  plain: {},
  'kube-system': { 'ns-type': 'system' },
});

const forwardedQuery = async (
  podLabels: Record<string, string>,
  url: string,
  scopes = new StaticResourceScopes({ configmaps: true }),
) => {
  const snapshot = canarySnapshot(podLabels);
  const terminal = cannedTerminal('{}');
  await chain<Exchange>()
    .use(pinRoutes({ current: () => snapshot }))
    .use(classifyRequest())
    .use(rewriteLock({ podNamespace: 'ctrlmesh-system', maxFrameBytes: 1 << 20 }))
    .use(decideOwnership(namespaces))
    .to(onBranch('filter', injectSelectors({ namespaces, scopes }), terminal))(
    anExchange('GET', url),
  );
  return decodeURIComponent(terminal.seen[0]?.request.query ?? '');
};

describe('injectSelectors', () => {
  it('asks the apiserver to skip namespaces the subset sees nothing in', async () => {
    const query = await forwardedQuery({ version: 'v2' }, '/api/v1/configmaps?watch=true');
    expect(query).toContain('watch=true');
    expect(query).toContain('metadata.namespace!=plain');
    expect(query).toContain('metadata.namespace!=kube-system');
    expect(query).not.toContain('!=canary-a');
  });

  it("keeps the client's own selector, ANDed with what it adds", async () => {
    const query = await forwardedQuery({}, '/api/v1/configmaps?labelSelector=team%3Db');
    expect(query).toContain('team=b');
    expect(query).toContain('metadata.namespace!=canary-a');
  });

  it('adds nothing when discovery does not know whether the resource is namespaced', async () => {
    expect(await forwardedQuery({}, '/api/v1/configmaps?limit=5', new StaticResourceScopes())).toBe(
      'limit=5',
    );
  });
});
