import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WatchExpiredError } from '../status/proxy-error.js';
import type { KubeObject } from './kube-object.js';
import { objectOf, openEnvelope } from './kube-protobuf.js';
import { protobufWatchCodec } from './protobuf-watch-codec.js';
import { firstBytes } from './protobuf-wire.js';
import { filterWatch } from './watch-filter.js';
import { WatchVisibility } from './watch-visibility.js';

// Recorded from a kube-apiserver v1.36 (`Accept: application/vnd.kubernetes.protobuf;stream=watch`):
// team-b/one relabelled shard=b, canary-a/two modified, team-b/two deleted, canary-a/three added.
const fixture = readFileSync(new URL('./fixtures/configmap-watch.pb', import.meta.url));
const codec = protobufWatchCodec(1 << 20);
const never = new Promise<WatchExpiredError>(() => undefined);

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

// Reads an output frame back: its type and (for objects) kind, key, labels and resourceVersion.
const read = (frame: Buffer) => {
  const event = frame.subarray(4);
  const type = firstBytes(event, 1)?.toString();
  const envelope = openEnvelope(firstBytes(firstBytes(event, 2)!, 1)!);
  return { type, kind: envelope.kind, raw: envelope.raw, object: objectOf(envelope.raw, envelope) };
};

const describeEvent = ({ type, object }: ReturnType<typeof read>) =>
  `${type} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

const run = async (keep: (o: KubeObject) => boolean, shown: string[], chunk = 17) => {
  const visibility = new WatchVisibility(shown, {
    bookmarks: true,
    sendInitialEvents: false,
    fromExactVersion: true,
  });
  const out: Buffer[] = [];
  const counts = { kept: 0, dropped: 0 };
  for await (const frame of filterWatch(chunked(fixture, chunk), {
    codec,
    keep,
    visibility,
    maxFrameBytes: 1 << 20,
    expired: never,
    counts,
  })) {
    out.push(frame);
  }
  return out;
};

describe('filterWatch with protobuf frames', () => {
  it('decodes the recorded events', () => {
    const { frames, rest } = codec.split(fixture);
    expect(rest.length).toBe(0);
    expect(frames.map((f) => describeEvent(read(f)))).toEqual([
      'MODIFIED team-b/one',
      'MODIFIED canary-a/two',
      'DELETED team-b/two',
      'ADDED canary-a/three',
    ]);
    expect(read(frames[0]!).object.metadata?.labels).toEqual({ fixture: 'yes', shard: 'b' });
  });

  it('turns a relabelled object into DELETED and forwards the rest byte for byte', async () => {
    const shown = ['canary-a/one', 'canary-a/two', 'team-b/one', 'team-b/two'];
    const out = await run((o) => o.metadata?.labels?.shard === 'a', shown);
    expect(out.map((f) => describeEvent(read(f)))).toEqual([
      'DELETED team-b/one',
      'MODIFIED canary-a/two',
      'DELETED team-b/two',
      'ADDED canary-a/three',
    ]);
    const { frames } = codec.split(fixture);
    expect(out.slice(1)).toEqual(frames.slice(1));
  });

  it('replaces a hidden event by a BOOKMARK carrying only the resourceVersion', async () => {
    const out = await run(
      (o) => o.metadata?.namespace === 'canary-a',
      ['canary-a/one', 'canary-a/two'],
    );
    const first = read(out[0]!);
    expect(first.type).toBe('BOOKMARK');
    expect(first.kind).toBe('ConfigMap');
    expect(first.object.metadata).toEqual({
      resourceVersion: read(codec.split(fixture).frames[0]!).object.metadata?.resourceVersion,
      labels: {},
      annotations: {},
    });
    expect(out.map((f) => read(f).type)).toEqual(['BOOKMARK', 'MODIFIED', 'BOOKMARK', 'ADDED']);
  });

  it('ends an expired watch with a protobuf Status ERROR event', async () => {
    const frame = codec.error(new WatchExpiredError('routes changed; re-list'));
    const { type, kind, raw } = read(frame);
    expect([type, kind]).toEqual(['ERROR', 'Status']);
    expect(firstBytes(raw, 3)?.toString()).toBe('routes changed; re-list');
    expect(firstBytes(raw, 4)?.toString()).toBe('Expired');
  });

  it('refuses a frame longer than the bound before buffering it', () => {
    expect(() => protobufWatchCodec(16).split(fixture)).toThrow(/frame limit of 16 bytes/);
  });
});
