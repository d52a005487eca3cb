import { FrameTooLargeError } from '../status/proxy-error.js';

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/**
 * Reads a whole body into memory, refusing (with a clear error) anything above `limit` bytes: the
 * proxy holds a body only when it must read or rewrite it, and never an unbounded one. Chunks are
 * kept as they come (streams hand each consumer its own), so a body of one chunk is not copied.
 */
export const readBody = async (
  source: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<Buffer> => {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new FrameTooLargeError(limit);
    parts.push(asBuffer(chunk));
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
};
