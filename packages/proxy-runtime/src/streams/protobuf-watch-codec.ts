import { FrameTooLargeError, UpstreamMalformedError } from '../status/proxy-error.js';
import { statusFor } from '../status/status-for.js';
import {
  objectOf,
  openEnvelope,
  resourceVersionOnly,
  sealEnvelope,
  statusEnvelope,
} from './kube-protobuf.js';
import { firstBytes, lengthDelimited } from './protobuf-wire.js';
import type { DecodedFrame, WatchCodec } from './watch-codec.js';

// `;stream=watch`: each frame is a 4-byte big-endian length, then a metav1.WatchEvent
// (1: type, 2: RawExtension{1: the object as a full `k8s\0` envelope}).
const frame = (event: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(event.length);
  return Buffer.concat([head, event]);
};

const watchEvent = (type: string, objectEnvelope: Buffer): Buffer =>
  frame(
    Buffer.concat([
      lengthDelimited(1, Buffer.from(type)),
      lengthDelimited(2, lengthDelimited(1, objectEnvelope)),
    ]),
  );

const objectEnvelopeOf = (decoded: DecodedFrame): Buffer =>
  firstBytes(firstBytes(decoded.frame.subarray(4), 2) ?? Buffer.alloc(0), 1) ?? Buffer.alloc(0);

/** Kubernetes protobuf watch streams; frames above `maxFrameBytes` are refused before buffering. */
export const protobufWatchCodec = (maxFrameBytes: number): WatchCodec => ({
  split: (buffered) => {
    const frames: Buffer[] = [];
    let start = 0;
    while (buffered.length - start >= 4) {
      const length = buffered.readUInt32BE(start);
      if (length > maxFrameBytes) throw new FrameTooLargeError(maxFrameBytes);
      if (buffered.length - start - 4 < length) break;
      frames.push(buffered.subarray(start, start + 4 + length));
      start += 4 + length;
    }
    return { frames, rest: buffered.subarray(start) };
  },
  decode: (bytes) => {
    const event = bytes.subarray(4);
    const type = firstBytes(event, 1)?.toString('utf8');
    if (type === undefined) throw new UpstreamMalformedError('a protobuf watch event has no type');
    const decoded: DecodedFrame = { event: { type, object: {} }, frame: bytes };
    if (type === 'ERROR') return decoded;
    const envelope = openEnvelope(objectEnvelopeOf(decoded));
    const object = objectOf(envelope.raw, envelope);
    // Only the marker of a bookmark matters here: the initial-events annotation (ObjectMeta field 12).
    return { event: { type, object }, frame: bytes };
  },
  retype: (decoded, type) => watchEvent(type, objectEnvelopeOf(decoded)),
  bookmark: (decoded, object) => {
    const { typeMeta } = openEnvelope(objectEnvelopeOf(decoded));
    return watchEvent(
      'BOOKMARK',
      sealEnvelope(typeMeta, resourceVersionOnly(object.metadata?.resourceVersion ?? '')),
    );
  },
  error: (error) => watchEvent('ERROR', statusEnvelope(statusFor(error).status)),
});
