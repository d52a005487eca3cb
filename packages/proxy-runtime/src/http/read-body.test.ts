import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../status/proxy-error.js';
import { readBody } from './read-body.js';

const chunks = (...parts: Uint8Array[]): Readable => Readable.from(parts);

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

  it('refuses a body above the limit with a clear error, and destroys the source', async () => {
    const source = chunks(Buffer.alloc(60), Buffer.alloc(60));
    await expect(readBody(source, 100)).rejects.toBeInstanceOf(FrameTooLargeError);
    expect(source.destroyed).toBe(true);
  });

  it('fails with the stream error of a body that breaks', async () => {
    const source = new PassThrough();
    const read = readBody(source, 100);
    source.write(Buffer.from('{"a":'));
    source.destroy(new Error('upstream reset'));
    await expect(read).rejects.toThrow('upstream reset');
  });

  it('fails, rather than waiting forever, on a body closed before its end', async () => {
    const source = new PassThrough();
    const read = readBody(source, 100);
    source.write(Buffer.from('{"a":'));
    source.destroy();
    await expect(read).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    await expect(readBody(source, 100)).rejects.toMatchObject({
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
  });

  it('leaves no listener on the stream once read', async () => {
    const source = chunks(Buffer.from('x'));
    await readBody(source, 100);
    expect(['data', 'end', 'error', 'close'].map((e) => source.listenerCount(e))).toEqual([
      0, 0, 0, 0,
    ]);
  });
});
