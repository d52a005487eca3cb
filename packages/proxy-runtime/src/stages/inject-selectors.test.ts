import { describe, expect, it } from 'vitest';
import { StaticResourceScopes } from '../discovery/resource-scopes.js';
import { StaticNamespaceLabels } from '../namespaces/namespace-labels.js';
import {
  anExchange,
  canarySnapshot,
  cannedTerminal,
  handoverSnapshot,
  renamedCanaryApp,
} from '../test-support/exchanges.js';
import { onBranch, untilDecided } from '../test-support/plan-branches.js';
import { injectSelectors } from './inject-selectors.js';

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
  await untilDecided(snapshot, namespaces).to(
    onBranch('filter', injectSelectors({ namespaces, scopes }), terminal),
  )(anExchange('GET', url));
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

  it('keeps the namespaces a handover moves in the query while Revoking, and adds nothing for a pod that moves', async () => {
    const handoverNamespaces = new StaticNamespaceLabels({ moving: {}, plain: {} });
    const query = async (snapshot: ReturnType<typeof handoverSnapshot>) => {
      const terminal = cannedTerminal('{}');
      await untilDecided(snapshot, handoverNamespaces).to(
        onBranch(
          'filter',
          injectSelectors({
            namespaces: handoverNamespaces,
            scopes: new StaticResourceScopes({ configmaps: true }),
          }),
          terminal,
        ),
      )(anExchange('GET', '/api/v1/configmaps'));
      return decodeURIComponent(terminal.seen[0]?.request.query ?? '');
    };
    // The widened revision gives `moving` to v2: only what v2 can never see is skipped.
    const v2 = await query(handoverSnapshot({ version: 'v2' }));
    expect(v2).toContain('metadata.namespace!=plain');
    expect(v2).not.toContain('!=moving');
    expect(await query(handoverSnapshot({ version: 'v2' }, 'Revoking', renamedCanaryApp()))).toBe(
      '',
    );
  });
});
