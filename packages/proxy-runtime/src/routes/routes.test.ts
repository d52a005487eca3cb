import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { loadPersistedRoutes, persistRoutes } from './persisted-routes.js';
import { makeSnapshot } from './route-snapshot.js';
import { RouteStore } from './route-store.js';
import { readVirtualAppFile } from './virtual-app-file.js';

const fixture = new URL('./fixtures/canary-vapp.yaml', import.meta.url).pathname;

const canaryApp = async () => {
  const result = await readVirtualAppFile(fixture);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

describe('routes from a VirtualApp file', () => {
  it("compiles a snapshot with this pod's subset and the lock name", async () => {
    const app = await canaryApp();
    const v2 = makeSnapshot(app, { app: 'sample', version: 'v2' }, 1);
    expect(v2.subset).toBe('v2');
    expect(v2.leaderElectionName).toBe('sample-controller');
    expect(makeSnapshot(app, { app: 'sample' }, 1).subset).toBe(DEFAULT_SUBSET);
    expect(makeSnapshot(app, {}, 1, { leaderElectionName: 'x' }).leaderElectionName).toBe('x');
  });

  it('gives equal specs equal versions and a changed spec a new one', async () => {
    const app = await canaryApp();
    const again = await canaryApp();
    expect(makeSnapshot(app, {}, 1).version).toBe(makeSnapshot(again, {}, 2).version);
    const widened = { ...app, spec: { ...app.spec, subsets: [] } };
    expect(makeSnapshot(widened, {}, 3).version).not.toBe(makeSnapshot(app, {}, 1).version);
  });

  it('returns every problem of a bad file as values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vapp-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'kind: VirtualApp\napiVersion: ctrlmesh.io/v1alpha1\nspec: {}\n',
    );
    const bad = await readVirtualAppFile(join(dir, 'bad.yaml'));
    expect(bad.ok).toBe(false);
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [VirtualApp\n');
    expect(await readVirtualAppFile(join(dir, 'broken.yaml'))).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining('not YAML') }],
    });
    const missing = await readVirtualAppFile(join(dir, 'missing.yaml'));
    expect(missing).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining('cannot read') }],
    });
  });
});

describe('RouteStore', () => {
  it('swaps snapshots atomically and tells listeners only about real changes', async () => {
    const app = await canaryApp();
    const store = new RouteStore();
    const seen: string[] = [];
    store.onSwap((next, previous) =>
      seen.push(`${previous?.generation ?? '-'}->${next.generation}`),
    );
    expect(store.current()).toBeUndefined();
    expect(store.swap(makeSnapshot(app, {}, 1))).toBe(true);
    expect(store.swap(makeSnapshot(app, {}, 2))).toBe(false);
    expect(store.swap(makeSnapshot({ ...app, spec: { ...app.spec, subsets: [] } }, {}, 3))).toBe(
      true,
    );
    expect(seen).toEqual(['-->1', '1->3']);
    expect(store.current()?.generation).toBe(3);
  });
});

describe('persisted routes', () => {
  it('writes atomically and reloads what it wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routes-'));
    const file = join(dir, 'routes.json');
    expect(await loadPersistedRoutes(file)).toBeUndefined();
    const app = await canaryApp();
    await persistRoutes(file, app);
    await persistRoutes(file, app);
    expect(readdirSync(dir)).toEqual(['routes.json']);
    expect(await loadPersistedRoutes(file)).toEqual({ ok: true, value: app });
  });
});
