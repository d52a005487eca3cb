import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { UpstreamMalformedError } from '../status/proxy-error.js';
import { Http1ResponseParser, type ResponseHead } from './http1-response-parser.js';

// Whatever pieces the socket hands the bytes in, the parser reads the same answer; and whatever the
// bytes, it reads an answer or throws UpstreamMalformedError, nothing else.

interface Read {
  head: ResponseHead | undefined;
  body: Buffer;
  ended: boolean;
  trailing: boolean;
}

const reader = (bodiless = false) => {
  const read: Read = { head: undefined, body: Buffer.alloc(0), ended: false, trailing: false };
  const parser = new Http1ResponseParser();
  parser.expect(
    {
      onHead: (head) => {
        read.head = head;
      },
      onBody: (chunk) => {
        read.body = Buffer.concat([read.body, chunk]);
      },
      onEnd: (trailing) => {
        read.ended = true;
        read.trailing = trailing;
      },
    },
    bodiless,
  );
  return { parser, read };
};

/** Feeds `bytes` cut at `cuts` (positions, any order, repeats allowed). */
const feedInPieces = (parser: Http1ResponseParser, bytes: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const at of [...points, bytes.length]) {
    if (at > from) parser.feed(bytes.subarray(from, at));
    from = Math.max(from, at);
  }
};

const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,12}$/);
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
const framing = fc.constantFrom('length', 'chunked', 'close');

const answerOf = fc.record({
  status: fc.constantFrom(200, 201, 403, 404, 409, 500),
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), {
    selector: ([n]) => n,
    maxLength: 6,
  }),
  body: fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.from(bytes)),
  framing,
  chunkSizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
  withInformational: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
});

type Answer = typeof answerOf extends fc.Arbitrary<infer T> ? T : never;

const serialize = (answer: Answer): Buffer => {
  const lines = [
    ...(answer.withInformational ? ['HTTP/1.1 100 Continue', ''] : []),
    `HTTP/1.1 ${answer.status} Whatever`,
  ];
  for (const [name, value] of answer.headers) lines.push(`${name}: ${value}`);
  if (answer.framing === 'length') lines.push(`Content-Length: ${answer.body.length}`);
  if (answer.framing === 'chunked') lines.push('Transfer-Encoding: chunked');
  if (answer.framing === 'close') lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (answer.framing !== 'chunked') return Buffer.concat([head, answer.body]);
  const parts: Buffer[] = [head];
  let at = 0;
  let turn = 0;
  while (at < answer.body.length) {
    const size = answer.chunkSizes[turn++ % answer.chunkSizes.length]!;
    const chunk = answer.body.subarray(at, at + size);
    // Extensions are allowed and mean nothing to us.
    parts.push(Buffer.from(`${chunk.length.toString(16)}${turn % 2 ? ';ext=1' : ''}\r\n`), chunk);
    parts.push(Buffer.from('\r\n'));
    at += size;
  }
  parts.push(Buffer.from(turn % 2 ? '0\r\nx-trailer: t\r\n\r\n' : '0\r\n\r\n'));
  return Buffer.concat(parts);
};

describe('Http1ResponseParser', () => {
  test.prop([answerOf])('reads the same answer however its bytes are cut', (answer) => {
    const { parser, read } = reader();
    feedInPieces(parser, serialize(answer), answer.cuts);
    if (answer.framing === 'close') {
      expect(read.ended).toBe(false);
      parser.close();
    }
    expect(read.head?.statusCode).toBe(answer.status);
    for (const [name, value] of answer.headers) expect(read.head?.headers[name]).toBe(value);
    expect(read.head?.keepAlive).toBe(answer.framing !== 'close');
    expect(read.body.equals(answer.body)).toBe(true);
    expect(read.ended).toBe(true);
    expect(read.trailing).toBe(false);
  });

  test.prop([answerOf])('reads no body for a HEAD, whatever the head announces', (answer) => {
    const { parser, read } = reader(true);
    const bytes = serialize({ ...answer, framing: 'length' });
    const headEnd = bytes.length - answer.body.length;
    feedInPieces(parser, bytes.subarray(0, headEnd), answer.cuts);
    expect(read.ended).toBe(true);
    expect(read.body.length).toBe(0);
  });

  test.prop([
    fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.string().map((s) => Buffer.from(s)),
    ),
  ])('reads arbitrary bytes as an answer or refuses them as malformed, nothing else', (bytes) => {
    const { parser } = reader();
    try {
      parser.feed(Buffer.from(bytes));
    } catch (error) {
      expect(error).toBeInstanceOf(UpstreamMalformedError);
    }
  });

  test.prop([answerOf, fc.uint8Array({ minLength: 1, maxLength: 50 })])(
    'says so when bytes follow the end of an answer',
    (answer, extra) => {
      const { parser, read } = reader();
      parser.feed(Buffer.concat([serialize({ ...answer, framing: 'length' }), extra]));
      expect(read.ended).toBe(true);
      expect(read.trailing).toBe(true);
    },
  );
});
