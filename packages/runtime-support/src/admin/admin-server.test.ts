import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, type MetricsRegistry } from './admin-server.js';

let close: () => Promise<void> = async () => undefined;
afterEach(() => close());

const serve = async (notReady: () => string | undefined, registry: MetricsRegistry) => {
  const server = createAdminServer({ registry, notReady });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const { port } = server.address() as AddressInfo;
  return (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
};

describe('createAdminServer', () => {
  it('answers /healthz, and /readyz with the reason it is not ready', async () => {
    let reason: string | undefined = 'pods not synced';
    const get = await serve(() => reason, new Registry());
    expect((await get('/healthz')).status).toBe(200);
    const notReady = await get('/readyz');
    expect([notReady.status, await notReady.text()]).toEqual([503, 'not ready: pods not synced']);
    reason = undefined;
    const ready = await get('/readyz?verbose');
    expect([ready.status, await ready.text()]).toEqual([200, 'ok']);
    expect((await get('/nope')).status).toBe(404);
  });

  it("serves the registry's metrics in its content type", async () => {
    const registry = new Registry();
    new Counter({ name: 'answers_total', help: 'Answers.', registers: [registry] }).inc(3);
    const response = await (await serve(() => undefined, registry))('/metrics');
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('answers_total 3');
  });

  it('answers 500 when the registry cannot collect its metrics', async () => {
    const broken: MetricsRegistry = {
      contentType: 'text/plain',
      metrics: () => Promise.reject(new Error('collector threw')),
    };
    expect((await (await serve(() => undefined, broken))('/metrics')).status).toBe(500);
  });
});
