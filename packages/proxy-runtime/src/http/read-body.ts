import { FrameTooLargeError } from '../status/proxy-error.js';

/**
 * Reads a whole body into memory, refusing (with a clear error) anything above `limit` bytes: the
 * proxy holds a body only when it must rewrite it, and never an unbounded one.
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
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
};
