import type { AddressInfo } from 'node:net';
import { createAdminServer } from '@ctrlmesh/runtime-support';
import { Counter, Registry } from 'prom-client';

const registry = new Registry();
const requests = new Counter({ name: 'requests_total', help: 'Requests.', registers: [registry] });
let synced = false;
const admin = createAdminServer({
  registry,
  notReady: () => (synced ? undefined : 'caches not synced'),
});
await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
const { port } = admin.address() as AddressInfo;
const get = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
};

console.log(JSON.stringify(await get('/healthz')));
console.log(JSON.stringify(await get('/readyz')));
synced = true;
requests.inc();
console.log(JSON.stringify(await get('/readyz')));
const metrics = await get('/metrics');
console.log(
  metrics.status,
  metrics.text.split('\n').find((line) => line.startsWith('requests')),
);
await new Promise((resolve) => admin.close(resolve));

// Output:
// {"status":200,"text":"ok"}
// {"status":503,"text":"not ready: caches not synced"}
// {"status":200,"text":"ok"}
// 200 requests_total 1
