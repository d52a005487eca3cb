import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamMalformedError } from '../status/proxy-error.js';

/** The head of an HTTP/1.1 answer: status, headers (lower-case names, repeats as arrays). */
export interface ResponseHead {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** False when the server said it closes the connection after this answer. */
  readonly keepAlive: boolean;
}

/** What the parser reports, in order: one head, body chunks, one end (or an error thrown by feed). */
export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /** The answer is whole; `trailing` says the server sent bytes past it (the connection is unusable). */
  onEnd(trailing: boolean): void;
}

/** An answer that is not HTTP/1.1 as the apiserver speaks it (502); the connection is given up. */
export const malformed = (detail: string): UpstreamMalformedError =>
  new UpstreamMalformedError(`the kube-apiserver sent a malformed HTTP/1.1 answer: ${detail}`);

/** No answer head is allowed to grow past this (Node's own limit is 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;

const LF = 0x0a;
const END_OF_HEAD = Buffer.from('\r\n\r\n');

type Framing =
  | { readonly kind: 'head' }
  | { readonly kind: 'length'; left: number }
  | { readonly kind: 'chunk-size' }
  | { readonly kind: 'chunk-data'; left: number }
  | { readonly kind: 'chunk-end'; left: number }
  | { readonly kind: 'trailers' }
  | { readonly kind: 'until-close' }
  | { readonly kind: 'done' };

/**
 * Reads one answer at a time off a connection to the apiserver, fed its bytes as they come, in
 * pieces of any size: the status line and headers, then the body framed by its length, by
 * chunks (extensions and trailers skipped) or by the connection's close. 1xx heads are skipped;
 * a HEAD's answer, a 204 and a 304 have no body. What it cannot read it throws as
 * UpstreamMalformedError: the caller then gives the connection up.
 */
export class Http1ResponseParser {
  private framing: Framing = { kind: 'done' };
  private pending: Buffer | undefined;
  private events: ResponseEvents | undefined;
  private bodiless = false;

  /** Expects the answer to a request; `bodiless` for a HEAD. */
  expect(events: ResponseEvents, bodiless: boolean): void {
    this.events = events;
    this.bodiless = bodiless;
    this.framing = { kind: 'head' };
    this.pending = undefined;
  }

  /** True while an answer is read to the connection's close: its end is the close. */
  get endsAtClose(): boolean {
    return this.framing.kind === 'until-close';
  }

  /** True once the head has come (the answer has begun). */
  get started(): boolean {
    return this.framing.kind !== 'head';
  }

  /** The connection closed: ends an answer framed by the close. */
  close(): void {
    if (this.framing.kind !== 'until-close') return;
    this.framing = { kind: 'done' };
    this.events?.onEnd(false);
  }

  feed(data: Buffer): void {
    const buf = this.pending === undefined ? data : Buffer.concat([this.pending, data]);
    this.pending = undefined;
    let at = 0;
    while (at < buf.length) {
      const framing = this.framing;
      switch (framing.kind) {
        case 'head': {
          const end = buf.indexOf(END_OF_HEAD, at);
          if (end === -1) {
            this.holdPartial(buf, at, MAX_HEAD_BYTES, 'head');
            return;
          }
          at = this.readHead(buf.toString('latin1', at, end), end + 4);
          // No body (a HEAD, 204, 304, a length of 0): the answer ends with its head.
          if (this.framing.kind === 'done') {
            this.finish(buf, at);
            return;
          }
          break;
        }
        case 'length': {
          at = this.passBody(framing, buf, at);
          if (framing.left === 0) {
            this.finish(buf, at);
            return;
          }
          break;
        }
        case 'chunk-size': {
          const nl = buf.indexOf(LF, at);
          if (nl === -1) {
            this.holdPartial(buf, at, 1024, 'chunk size line');
            return;
          }
          const size = parseChunkSize(buf.toString('latin1', at, nl));
          at = nl + 1;
          this.framing = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: size };
          break;
        }
        case 'chunk-data': {
          at = this.passBody(framing, buf, at);
          if (framing.left === 0) this.framing = { kind: 'chunk-end', left: 2 };
          break;
        }
        case 'chunk-end': {
          const expected = framing.left === 2 ? 0x0d : 0x0a;
          if (buf[at] !== expected) throw malformed('chunk not ended by CRLF');
          framing.left -= 1;
          at += 1;
          if (framing.left === 0) this.framing = { kind: 'chunk-size' };
          break;
        }
        case 'trailers': {
          const nl = buf.indexOf(LF, at);
          if (nl === -1) {
            this.holdPartial(buf, at, MAX_HEAD_BYTES, 'trailers');
            return;
          }
          const empty = nl === at || (nl === at + 1 && buf[at] === 0x0d);
          at = nl + 1;
          if (empty) {
            this.finish(buf, at);
            return;
          }
          break;
        }
        case 'until-close':
          this.events?.onBody(at === 0 ? buf : buf.subarray(at));
          return;
        case 'done':
          throw malformed('bytes after the end of an answer');
      }
    }
  }

  // Keeps the unfinished line or head `buf` holds from `at` for the next feed, within `limit`.
  private holdPartial(buf: Buffer, at: number, limit: number, what: string): void {
    if (buf.length - at > limit) throw malformed(`${what} too large`);
    this.pending = buf.subarray(at);
  }

  // Hands on what `buf` holds from `at` of the `framing.left` body bytes still to come; returns
  // where it stopped.
  private passBody(framing: { left: number }, buf: Buffer, at: number): number {
    const take = Math.min(framing.left, buf.length - at);
    framing.left -= take;
    this.events?.onBody(buf.subarray(at, at + take));
    return at + take;
  }

  private finish(buf: Buffer, at: number): void {
    this.framing = { kind: 'done' };
    const events = this.events;
    this.events = undefined;
    events?.onEnd(at < buf.length);
  }

  // Returns where the body starts; after a 1xx head the framing stays on `head` for the next.
  private readHead(text: string, bodyAt: number): number {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (status === null) throw malformed(`status line ${JSON.stringify(lines[0])}`);
    const statusCode = Number(status[2]);
    if (statusCode >= 100 && statusCode < 200) return bodyAt;
    const headers: IncomingHttpHeaders = {};
    for (let i = 1; i < lines.length; i++) addHeader(headers, lines[i]!);
    const connection = String(headers.connection ?? '').toLowerCase();
    const keepAlive =
      status[1] === '1' ? !connection.includes('close') : connection === 'keep-alive';
    this.framing = this.framingOf(statusCode, headers);
    this.events?.onHead({ statusCode, headers, keepAlive: keepAlive && !this.endsAtClose });
    return bodyAt;
  }

  private framingOf(statusCode: number, headers: IncomingHttpHeaders): Framing {
    if (this.bodiless || statusCode === 204 || statusCode === 304) return { kind: 'done' };
    const encoding = headers['transfer-encoding'];
    if (encoding !== undefined) {
      const codings = String(encoding).toLowerCase().split(',');
      return codings[codings.length - 1]?.trim() === 'chunked'
        ? { kind: 'chunk-size' }
        : { kind: 'until-close' };
    }
    const length = headers['content-length'];
    if (length === undefined) return { kind: 'until-close' };
    if (!/^\d{1,15}$/.test(length)) throw malformed(`content-length ${length}`);
    const left = Number(length);
    return left === 0 ? { kind: 'done' } : { kind: 'length', left };
  }
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// The apiserver sends the same few header names on every answer: each is checked and lower-cased
// once. Bounded, so a server that invents names cannot grow it.
const knownNames = new Map<string, string>();
const KNOWN_NAMES_LIMIT = 256;

const headerKey = (name: string, line: string): string => {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  if (!HEADER_NAME.test(name)) throw malformed(`header line ${JSON.stringify(line)}`);
  const key = name.toLowerCase();
  if (knownNames.size < KNOWN_NAMES_LIMIT) knownNames.set(name, key);
  return key;
};

const addHeader = (headers: IncomingHttpHeaders, line: string): void => {
  const colon = line.indexOf(':');
  const key = headerKey(colon > 0 ? line.slice(0, colon) : '', line);
  const value = line.slice(colon + 1).trim();
  const seen = headers[key];
  if (seen === undefined) headers[key] = value;
  else if (key === 'content-length') {
    if (seen !== value) throw malformed('two different content-lengths');
  } else headers[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
};

const parseChunkSize = (line: string): number => {
  const semicolon = line.indexOf(';');
  const hex = (semicolon === -1 ? line : line.slice(0, semicolon)).trim();
  if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw malformed(`chunk size ${JSON.stringify(line)}`);
  return Number.parseInt(hex, 16);
};
