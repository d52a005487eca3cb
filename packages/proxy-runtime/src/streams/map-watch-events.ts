import { FrameTooLargeError } from '../status/proxy-error.js';

const NEWLINE = 0x0a;

/** Whether a watch answer is Kubernetes protobuf (`application/vnd.kubernetes.protobuf;stream=watch`). */
const isProtobuf = (contentType: string): boolean =>
  contentType.trim().toLowerCase().startsWith('application/vnd.kubernetes.protobuf');

async function* mapLines(
  source: AsyncIterable<Uint8Array>,
  maxFrameBytes: number,
  map: (line: Uint8Array) => Uint8Array,
): AsyncGenerator<Uint8Array> {
  let rest = Buffer.alloc(0);
  for await (const chunk of source) {
    rest = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let nl = rest.indexOf(NEWLINE); nl >= 0; nl = rest.indexOf(NEWLINE, start)) {
      yield map(rest.subarray(start, nl + 1));
      start = nl + 1;
    }
    rest = rest.subarray(start);
    if (rest.length > maxFrameBytes) throw new FrameTooLargeError(maxFrameBytes);
  }
  if (rest.length > 0) yield map(rest);
}

// `;stream=watch` protobuf: each frame is a 4-byte big-endian length, then one metav1.WatchEvent.
async function* mapFrames(
  source: AsyncIterable<Uint8Array>,
  maxFrameBytes: number,
  map: (event: Uint8Array) => Uint8Array,
): AsyncGenerator<Uint8Array> {
  let rest = Buffer.alloc(0);
  for await (const chunk of source) {
    rest = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    let start = 0;
    while (rest.length - start >= 4) {
      const length = rest.readUInt32BE(start);
      if (length > maxFrameBytes) throw new FrameTooLargeError(maxFrameBytes);
      if (rest.length - start - 4 < length) break;
      const mapped = map(rest.subarray(start + 4, start + 4 + length));
      const head = Buffer.alloc(4);
      head.writeUInt32BE(mapped.length);
      yield Buffer.concat([head, mapped]);
      start += 4 + length;
    }
    rest = rest.subarray(start);
  }
  // A stream cut inside a frame: pass the partial bytes on, as the apiserver sent them.
  if (rest.length > 0) yield rest;
}

/**
 * Maps each event of a watch answer: JSON lines (newline kept) or protobuf frames (the payload
 * without its length prefix, re-framed with the new length), the two units
 * leader-election-rewriter's `mapWatchEvent` takes. Events above `maxFrameBytes` end the stream.
 */
export const mapWatchEvents = (
  source: AsyncIterable<Uint8Array>,
  contentType: string,
  maxFrameBytes: number,
  map: (event: Uint8Array) => Uint8Array,
): AsyncGenerator<Uint8Array> =>
  isProtobuf(contentType)
    ? mapFrames(source, maxFrameBytes, map)
    : mapLines(source, maxFrameBytes, map);
