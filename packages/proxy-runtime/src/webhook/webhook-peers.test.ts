import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePeers } from './webhook-peers.js';
import { FileWebhookPeers } from './webhook-peers-file.js';

describe('parsePeers', () => {
  it('reads subsets to origins and reports every bad entry with its path', () => {
    expect(parsePeers({ v2: ['https://10.0.0.7:5445'], '(default)': [] })).toEqual({
      ok: true,
      value: { v2: ['https://10.0.0.7:5445'], '(default)': [] },
    });
    expect(
      parsePeers({ v2: ['http://10.0.0.7:5445', 'https://x:1/path'], v3: 'https://y:1' }),
    ).toEqual({
      ok: false,
      problems: [
        'v2[0]: "http://10.0.0.7:5445" is not an https://host:port URL',
        'v2[1]: "https://x:1/path" is not an https://host:port URL',
        'v3: must be a list of https://host:port URLs',
      ],
    });
  });
});

describe('FileWebhookPeers', () => {
  it('reloads the file and keeps the last good list when it turns invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlmesh-peers-'));
    const file = join(dir, 'peers.yaml');
    const rejected: (readonly string[])[] = [];
    try {
      await writeFile(file, 'v2: [https://127.0.0.1:9001]\n');
      const peers = new FileWebhookPeers(file, (problems) => rejected.push(problems));
      await peers.load();
      expect(peers.peers('v2')).toEqual(['https://127.0.0.1:9001']);
      await writeFile(file, 'v2: [https://127.0.0.1:9001, https://127.0.0.1:9002]\n');
      await peers.load();
      expect(peers.peers('v2')).toEqual(['https://127.0.0.1:9001', 'https://127.0.0.1:9002']);
      await writeFile(file, 'v2: [ftp://nowhere]\n');
      await peers.load();
      expect(peers.peers('v2')).toHaveLength(2);
      expect(rejected).toEqual([['v2[0]: "ftp://nowhere" is not an https://host:port URL']]);
      expect(peers.peers('v3')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
