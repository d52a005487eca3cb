import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import {
  Http1ResponseParser,
  type ResponseEvents,
  type ResponseHead,
} from './http1-response-parser.js';
import type { ShortRequestOptions } from './short-answer.js';

/** A failure of the connection itself, with the codes `upstreamFailure` reads (undici's). */
export class ConnectionFailure extends Error {
  constructor(
    readonly code:
      | 'UND_ERR_SOCKET'
      | 'UND_ERR_HEADERS_TIMEOUT'
      | 'UND_ERR_BODY_TIMEOUT'
      | 'UND_ERR_CONNECT_TIMEOUT'
      | 'UND_ERR_DESTROYED',
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionFailure';
  }
}

/** One request on a connection: what to send (and its limits), and whom to tell. */
export interface Http1Request {
  readonly options: ShortRequestOptions;
  readonly handler: Dispatcher.DispatchHandler;
}

// The context undici hands `onRequestStart`, and the trailers `onResponseEnd`: we have neither,
// so every request gets the same empty ones.
const NO_CONTEXT = Object.freeze({});
const NO_TRAILERS = Object.freeze({});

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The answer is whole and the connection can take another request. */
  released(connection: Http1Connection): void;
  /**
   * The connection is gone: `retry` is the request it was sending when that may be sent again,
   * `reason` why it went when it failed.
   */
  closed(connection: Http1Connection, retry: Http1Request | undefined, reason?: Error): void;
}

// Safe to send again on another connection when this one closed before any answer came.
const RETRYABLE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One keep-alive HTTP/1.1 connection to the apiserver, one request at a time (no pipelining). It
 * writes the request head in one write, reads the answer with Http1ResponseParser and reports it
 * through undici's DispatchHandler interface, so `requestShortAnswer` reads it as it reads
 * undici's. Its controller pauses and resumes the socket (backpressure) and aborts by destroying
 * it. Timeouts are checked by the pool's sweep (`checkTimeouts`), not a timer per request.
 */
export class Http1Connection implements ResponseEvents, Dispatcher.DispatchController {
  private readonly parser = new Http1ResponseParser();
  private request: Http1Request | undefined;
  private keepAlive = true;
  private answered = false;
  private deadline = 0;
  private abortReason: Error | null = null;
  private isPaused = false;
  private gone = false;
  // Answers it completed: only a reused connection's silent close is the server's idle close.
  private served = 0;
  /** When it last finished a request (for the idle timeout). */
  idleSince = 0;

  constructor(
    readonly socket: Socket,
    private readonly host: string,
    private readonly owner: ConnectionOwner,
    private readonly now: () => number,
  ) {
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onClose(undefined));
    socket.on('close', () => this.onClose(undefined));
    socket.on('error', (error) => this.onClose(error));
  }

  get busy(): boolean {
    return this.request !== undefined;
  }

  send(request: Http1Request): void {
    this.request = request;
    this.answered = false;
    this.keepAlive = true;
    this.abortReason = null;
    this.isPaused = false;
    const { options } = request;
    this.deadline = this.after(options.headersTimeout);
    this.parser.expect(this, options.method === 'HEAD');
    request.handler.onRequestStart?.(this, NO_CONTEXT);
    // onRequestStart may have aborted it already (its holder left).
    if (this.request !== request) return;
    let head = `${options.method} ${options.path} HTTP/1.1\r\nhost: ${this.host}\r\n`;
    for (const name in options.headers) {
      const value = options.headers[name]!;
      if (typeof value === 'string') head += `${name}: ${value}\r\n`;
      else for (const each of value) head += `${name}: ${each}\r\n`;
    }
    this.socket.write(`${head}\r\n`, 'latin1');
  }

  /** Fails a request whose answer is overdue; `now` from the pool's sweep. */
  checkTimeouts(now: number): void {
    if (this.request === undefined || this.isPaused || now < this.deadline) return;
    const headers = !this.parser.started;
    this.fail(
      new ConnectionFailure(
        headers ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT',
        headers
          ? `the kube-apiserver sent no answer head within ${this.request.options.headersTimeout} ms`
          : `the kube-apiserver sent nothing for ${this.request.options.bodyTimeout} ms in an answer`,
      ),
    );
  }

  /** Closes the connection; a request on it fails with `reason`. */
  destroy(reason: Error): void {
    this.fail(reason);
  }

  // --- DispatchController, as requestShortAnswer uses it ---

  get aborted(): boolean {
    return this.abortReason !== null;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get reason(): Error | null {
    return this.abortReason;
  }

  abort(reason: Error): void {
    if (this.request === undefined) return;
    this.abortReason = reason;
    this.fail(reason);
  }

  pause(): void {
    this.isPaused = true;
    this.socket.pause();
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    if (this.request !== undefined) this.deadline = this.after(this.request.options.bodyTimeout);
    this.socket.resume();
  }

  // --- ResponseEvents, from the parser ---

  onHead(head: ResponseHead): void {
    const request = this.request!;
    this.answered = true;
    this.keepAlive = head.keepAlive;
    this.deadline = this.after(request.options.bodyTimeout);
    request.handler.onResponseStart?.(this, head.statusCode, head.headers);
  }

  onBody(chunk: Buffer): void {
    const request = this.request!;
    this.deadline = this.after(request.options.bodyTimeout);
    request.handler.onResponseData?.(this, chunk);
  }

  onEnd(trailing: boolean): void {
    const request = this.request!;
    this.request = undefined;
    if (this.isPaused) this.resume();
    this.served += 1;
    request.handler.onResponseEnd?.(this, NO_TRAILERS);
    if (trailing || !this.keepAlive) {
      this.close(undefined);
      return;
    }
    this.idleSince = this.now();
    this.owner.released(this);
  }

  private onData(data: Buffer): void {
    if (this.request === undefined) {
      // Nothing was asked: a server that talks out of turn is not one to reuse.
      this.close(new ConnectionFailure('UND_ERR_SOCKET', 'the kube-apiserver sent bytes unasked'));
      return;
    }
    try {
      this.parser.feed(data);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private onClose(error: Error | undefined): void {
    if (this.gone) return;
    // An answer framed by the close ends here, whole (and its end gives the connection up).
    if (error === undefined && this.request !== undefined && this.parser.endsAtClose) {
      this.parser.close();
      return;
    }
    const request = this.request;
    this.request = undefined;
    this.gone = true;
    this.socket.destroy();
    // Closed before any answer on a reused connection (the server closed it as idle while the
    // request was on its way): the pool sends it again on another.
    const retry =
      request !== undefined &&
      !this.answered &&
      this.served > 0 &&
      RETRYABLE.has(request.options.method);
    this.owner.closed(this, retry ? request : undefined, error);
    if (request === undefined || retry) return;
    const detail = error === undefined ? '' : `: ${error.message}`;
    request.handler.onResponseError?.(
      this,
      Object.assign(
        new ConnectionFailure(
          'UND_ERR_SOCKET',
          `the connection to the kube-apiserver closed before the answer was whole${detail}`,
        ),
        error === undefined ? {} : { cause: error },
      ),
    );
  }

  // A deadline `ms` from now; 0 means none, as undici reads its timeouts.
  private after(ms: number): number {
    return ms === 0 ? Number.POSITIVE_INFINITY : this.now() + ms;
  }

  private fail(reason: Error): void {
    const request = this.request;
    this.request = undefined;
    this.close(reason);
    request?.handler.onResponseError?.(this, reason);
  }

  private close(reason: Error | undefined): void {
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    this.owner.closed(this, undefined, reason);
  }
}
