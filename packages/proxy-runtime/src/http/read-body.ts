import type { Readable } from 'node:stream';
import type { ResponseBody } from '../pipeline/exchange.js';
import { FrameTooLargeError } from '../status/proxy-error.js';

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** Why a body that closed before its end is not a body (what `for await` would have thrown). */
const closedEarly = (): Error =>
  Object.assign(new Error('the body closed before its end'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });

/**
 * Reads a whole body into memory, refusing (with a clear error, the source destroyed) anything
 * above `limit` bytes: the proxy holds a body only when it must read or rewrite it, and never an
 * unbounded one. Chunks are kept as they come (streams hand each consumer its own), so a body of
 * one chunk is not copied. It listens to the stream's events rather than iterating it: every small
 * GET's answer is read here, and `for await` costs an async iterator, its end-of-stream watcher
 * and a promise per chunk, objects that outlive young-generation collections under load.
 */
export const readBody = (source: Readable, limit: number): Promise<Buffer> => {
  if (source.errored) return Promise.reject(source.errored);
  if (source.destroyed) return Promise.reject(closedEarly());
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const settle = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > limit) {
        settle();
        source.destroy();
        reject(new FrameTooLargeError(limit));
        return;
      }
      parts.push(asBuffer(chunk));
    };
    const onEnd = () => {
      settle();
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onClose = () => {
      settle();
      reject(closedEarly());
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
};

/**
 * A response body as bytes: read whole from a stream, taken as it is when it came back whole
 * (`requestShortAnswer`), empty when there is none; refused past `limit` either way.
 */
export const readResponseBody = async (body: ResponseBody, limit: number): Promise<Buffer> => {
  if (body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) {
    if (body.length > limit) throw new FrameTooLargeError(limit);
    return asBuffer(body);
  }
  return readBody(body, limit);
};
