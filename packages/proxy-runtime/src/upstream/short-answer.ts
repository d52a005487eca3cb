import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { HeaderMap } from './hop-by-hop.js';

/**
 * Up to this size an answer is gathered whole and handed on as bytes: most GETs are a few KiB, and
 * the server sends headers and body with one `end`. A larger one becomes a stream as soon as it
 * passes this size, so a big list is filtered as it comes and never held whole.
 */
export const SMALL_ANSWER_BYTES = 64 * 1024;

/** What a short request sends: its head, and its body when it has one. */
export interface ShortRequestOptions {
  readonly method: Dispatcher.HttpMethod;
  readonly path: string;
  readonly headers: HeaderMap;
  readonly body: Readable | null;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
}

/** A pool that sends short requests: undici's, or `Http1Pool` for bodiless ones. */
export interface ShortRequestDispatcher {
  dispatch(options: ShortRequestOptions, handler: Dispatcher.DispatchHandler): boolean;
}

/** What a holder can do with an answer it no longer wants: end it and its upstream request. */
export interface Destroyable {
  destroy(): void;
}

/** An answer of the apiserver's: its whole body when small, else a stream of it. */
export interface ShortAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array | Readable;
  /** From sending the request to the answer's status line. */
  readonly headersAfterMs: number;
}

/** Why an upstream request is aborted when its holder lets it go (one instance: no stack). */
const RELEASED = Object.freeze(new Error('the answer was released before its end'));

/** A large answer's body: reading asks undici for more, destroying aborts the upstream request. */
class AnswerStream extends Readable {
  constructor(private readonly upstream: AnswerGatherer) {
    super();
  }

  override _read(): void {
    this.upstream.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.upstream.abort(error ?? RELEASED);
    callback(error);
  }
}

/**
 * undici's lowest request API, handled without its stream wrappers (BodyReadable, the request
 * API's promise plumbing, a signal listener): those cost about a third of a bare pass-through's CPU
 * per GET here (bench:floor). One object per request, its methods on the prototype.
 */
class AnswerGatherer implements Dispatcher.DispatchHandler, Destroyable {
  private controller: Dispatcher.DispatchController | undefined;
  private released = false;
  private ended = false;
  private readonly started = performance.now();
  private headersAfterMs = 0;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private parts: Buffer[] = [];
  private size = 0;
  private stream: AnswerStream | undefined;

  constructor(
    private readonly resolve: (answer: ShortAnswer) => void,
    private readonly reject: (error: Error) => void,
    /** False for a HEAD: its answer has no body, whatever its headers say. */
    private readonly hasBody: boolean,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.released) controller.abort(RELEASED);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.headersAfterMs = performance.now() - this.started;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.stream !== undefined) {
      if (!this.stream.push(chunk)) controller.pause();
      return;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size > SMALL_ANSWER_BYTES) this.becomeStream();
  }

  onResponseEnd(): void {
    this.ended = true;
    if (this.stream !== undefined) {
      this.stream.push(null);
      return;
    }
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.resolve(this.answer(this.wholeHeaders(body), body));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.ended = true;
    if (this.stream !== undefined) this.stream.destroy(error);
    else this.reject(error);
  }

  /** Lets go of the answer: aborts the upstream request unless it has already ended. */
  destroy(): void {
    if (this.stream !== undefined) {
      this.stream.destroy();
      return;
    }
    this.abort(RELEASED);
  }

  resume(): void {
    this.controller?.resume();
  }

  abort(reason: Error): void {
    if (this.ended || this.released) return;
    this.released = true;
    this.controller?.abort(reason);
  }

  private becomeStream(): void {
    const stream = new AnswerStream(this);
    for (const part of this.parts) stream.push(part);
    this.parts = [];
    this.stream = stream;
    this.resolve(this.answer(this.headers, stream));
  }

  private answer(headers: IncomingHttpHeaders, body: Uint8Array | Readable): ShortAnswer {
    return { statusCode: this.statusCode, headers, body, headersAfterMs: this.headersAfterMs };
  }

  // A chunked answer gathered whole now has a length, which the server can send instead.
  private wholeHeaders(body: Buffer): IncomingHttpHeaders {
    const { headers } = this;
    if (!this.hasBody || headers['content-length'] !== undefined) return headers;
    if (headers['transfer-encoding'] === undefined) return headers;
    const { 'transfer-encoding': _chunked, ...rest } = headers;
    return { ...rest, 'content-length': String(body.length) };
  }
}

/**
 * Sends a short request (not a watch, not an upgrade) and resolves with its answer once it is whole
 * or passes SMALL_ANSWER_BYTES; rejects when the request fails before that. `hold` gets the handle
 * that aborts the request (what the request API's signal did, for less).
 */
export const requestShortAnswer = (
  pool: ShortRequestDispatcher,
  options: ShortRequestOptions,
  hold: ((answer: Destroyable) => void) | undefined,
): Promise<ShortAnswer> =>
  new Promise((resolve, reject) => {
    const gatherer = new AnswerGatherer(resolve, reject, options.method !== 'HEAD');
    hold?.(gatherer);
    pool.dispatch(options, gatherer);
  });
