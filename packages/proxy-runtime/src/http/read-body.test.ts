import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../status/proxy-error.js';
import { readBody } from './read-body.js';

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts;
}

describe('readBody', () => {
  it('returns a body of one chunk as it came, without a copy', async () => {
    const only = Buffer.from('{"kind":"ConfigMap"}');
    expect(await readBody(chunks(only), 100)).toBe(only);
  });

  it('joins chunks, plain Uint8Arrays included', async () => {
    const body = await readBody(
      chunks(Buffer.from('{"a":'), new TextEncoder().encode('1'), Buffer.from('}')),
      100,
    );
    expect(body.toString()).toBe('{"a":1}');
  });

  it('reads an empty body as no bytes', async () => {
    expect((await readBody(chunks(), 100)).length).toBe(0);
  });

  it('refuses a body above the limit with a clear error', async () => {
    await expect(readBody(chunks(Buffer.alloc(60), Buffer.alloc(60)), 100)).rejects.toBeInstanceOf(
      FrameTooLargeError,
    );
  });
});
