import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagerMetrics } from '../observe/metrics.js';
import { createAdminServer } from './admin-server.js';

let close: () => Promise<void> = async () => undefined;
afterEach(() => close());

const serve = async (notReady: () => string | undefined) => {
  const metrics = createManagerMetrics();
  const server = createAdminServer({ registry: metrics.registry, notReady });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const { port } = server.address() as AddressInfo;
  return { metrics, get: (path: string) => fetch(`http://127.0.0.1:${port}${path}`) };
};

describe('createAdminServer', () => {
  it('answers /healthz, and /readyz with the reason it is not ready', async () => {
    let reason: string | undefined = 'pods not synced';
    const { get } = await serve(() => reason);
    expect((await get('/healthz')).status).toBe(200);
    const notReady = await get('/readyz');
    expect([notReady.status, await notReady.text()]).toEqual([503, 'not ready: pods not synced']);
    reason = undefined;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
  });

  it('serves the manager metrics', async () => {
    const { get, metrics } = await serve(() => undefined);
    metrics.leading(true);
    metrics.reconciled('success');
    metrics.handover(1500);
    const text = await (await get('/metrics')).text();
    expect(text).toContain('ctrlmesh_manager_leader 1');
    expect(text).toContain('ctrlmesh_manager_reconciles_total{result="success"} 1');
    expect(text).toContain('ctrlmesh_manager_handover_duration_seconds_sum 1.5');
  });
});
