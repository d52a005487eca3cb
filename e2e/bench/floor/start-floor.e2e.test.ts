import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Floor, type FloorKind, startFloor } from './start-floor.js';

/** A GET through `floor` on a connection of its own, with the admin token; resolves with the answer. */
const get = (floor: Floor, urlPath: string): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const req = request(`${floor.origin}${urlPath}`, {
      ca: floor.caPem,
      agent: false,
      headers: { authorization: `Bearer ${inject('kas').admin.token}`, accept: 'application/json' },
    });
    req.on('response', resolve).on('error', reject).end();
  });

const bodyOf = async (res: IncomingMessage): Promise<string> => {
  const parts: Buffer[] = [];
  for await (const part of res) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
};

describe.each<FloorKind>(['node', 'relay', 'go'])(
  'The %s floor of bench:floor in front of kas',
  (kind) => {
    let dir: string;
    let floor: Floor;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), `ctrlmesh-floor-${kind}-`));
      const kas = inject('kas');
      floor = await startFloor({
        kind,
        apiserver: kas.url,
        apiserverCaFile: kas.caFile,
        dir,
        plain: false,
      });
    });

    afterAll(async () => {
      if (floor?.child.exitCode === null) {
        floor.child.kill('SIGTERM');
        await once(floor.child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('forwards a GET over HTTPS to the apiserver it verifies', async () => {
      const res = await get(floor, '/api/v1/namespaces/default');
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(await bodyOf(res))).toMatchObject({ kind: 'Namespace' });
    });

    it('keeps serving after a client aborts a watch it streams (issue 13)', async () => {
      // The watch's first events are the namespaces that exist; leave once one has arrived.
      const watch = await get(floor, '/api/v1/namespaces?watch=1');
      expect(watch.statusCode).toBe(200);
      await once(watch, 'data');
      watch.destroy();
      await once(watch, 'close');

      // The floor sees the aborted connection close before it can have this answer from kas.
      const res = await get(floor, '/api/v1/namespaces/default');
      expect(res.statusCode).toBe(200);
      await bodyOf(res);
      expect(floor.child.exitCode).toBeNull();
    });

    it('stops on SIGTERM with exit code 0', async () => {
      expect(floor.child.exitCode).toBeNull();
      floor.child.kill('SIGTERM');
      const [code] = await once(floor.child, 'exit');
      expect(code).toBe(0);
    });
  },
);
