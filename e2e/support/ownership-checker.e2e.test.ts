import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenProxy, givenProxyIdentity, givenVirtualApp, type MeshProxy } from '../steps/proxy.js';
import { eventually } from './eventually.js';
import { adminKubeConfig } from './kube-config.js';
import { startOwnershipChecker } from './ownership-checker.js';
import { uniqueNamespace } from './unique-namespace.js';

// The checker must catch what the two-phase handover prevents: here two file-mode proxies take a
// widened canary one after the other (v2's first), so for a while both subsets own the namespace.
describe('The exactly-once checker', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const scope = { 'e2e.ctrlmesh.io/scenario': `checker-${process.pid}` };
  const mark = { 'e2e.ctrlmesh.io/checked': 'yes' };
  let workDir: string;
  let home: string;
  let moving: string;
  const proxies: MeshProxy[] = [];

  const app = (widened: boolean) =>
    canaryVirtualApp({
      name: 'checked',
      namespace: home,
      lock: 'checked',
      scope,
      widenedBy: widened ? [{ namespaceRegex: `^${moving}$` }] : [],
    });

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-checker-'));
    home = await uniqueNamespace('checker-home', scope);
    moving = await uniqueNamespace('checker-team', scope);
    for (const name of ['a', 'b']) {
      await core.createNamespacedConfigMap({
        namespace: moving,
        body: { metadata: { name, labels: mark } },
      });
    }
    const tokenFile = await givenProxyIdentity(admin, workDir);
    for (const version of ['v1', 'v2']) {
      const file = path.join(workDir, `${version}.yaml`);
      await givenVirtualApp(file, app(false));
      proxies.push(
        await givenProxy({
          podName: `checked-${version}`,
          podNamespace: home,
          podLabels: { app: 'go-sample', version },
          virtualAppFile: file,
          tokenFile,
          workDir,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('reports the interval in which a one-phase flip let two subsets see the same objects', async () => {
    const [v1, v2] = proxies as [MeshProxy, MeshProxy];
    const checker = startOwnershipChecker({
      views: [
        { subset: '(default)', proxy: v1 },
        { subset: 'v2', proxy: v2 },
      ],
      collection: '/api/v1/configmaps?labelSelector=e2e.ctrlmesh.io%2Fchecked%3Dyes',
      token: inject('kas').admin.token,
    });
    try {
      await checker.synced;
      const a = `${moving}/a`;
      await eventually(() => expect(checker.ownersOf(a)).toEqual(['(default)']), {
        what: 'the default subset to own the namespace',
      });
      expect(checker.overlaps()).toEqual([]);
      // v2 widens first; the default subset gives the namespace up only afterwards.
      await givenVirtualApp(path.join(workDir, 'v2.yaml'), app(true));
      await eventually(() => expect(checker.ownersOf(a)).toEqual(['(default)', 'v2']), {
        what: 'both subsets to see the moving namespace',
      });
      await givenVirtualApp(path.join(workDir, 'v1.yaml'), app(true));
      await eventually(() => expect(checker.ownersOf(a)).toEqual(['v2']), {
        what: 'v2 alone to own the namespace',
      });
      const overlaps = checker.overlaps();
      expect(overlaps.map((o) => [o.key, o.subsets])).toEqual(
        expect.arrayContaining([
          [`${moving}/a`, ['(default)', 'v2']],
          [`${moving}/b`, ['(default)', 'v2']],
        ]),
      );
      for (const overlap of overlaps) expect(overlap.until).toBeGreaterThan(overlap.since);
      expect(checker.history(a).map((change) => change.subsets)).toEqual([
        ['(default)'],
        ['(default)', 'v2'],
        ['v2'],
      ]);
      expect(checker.errors()).toEqual([]);
    } finally {
      await checker.stop();
    }
  });
});
