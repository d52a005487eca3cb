import { EventEmitter } from 'node:events';
import { isIP, connect as plainConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Dispatcher } from 'undici';
import {
  ConnectionFailure,
  type ConnectionOwner,
  Http1Connection,
  type Http1Request,
} from './http1-connection.js';
import type { ShortRequestDispatcher, ShortRequestOptions } from './short-answer.js';

/** How the pool reaches the apiserver and how long it waits. */
export interface Http1PoolOptions {
  readonly origin: string;
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly tls: { readonly ca?: string; readonly rejectUnauthorized: boolean };
  /** How often overdue answers and idle connections are looked for. */
  readonly sweepMs?: number;
  readonly now?: () => number;
}

/**
 * A keep-alive pool of HTTP/1.1 connections to the apiserver for short requests without a body
 * (gets above all), our own rather than undici's: with the same server and the same handler, a
 * pass-through spent ~115 us of CPU per GET through undici's `dispatch` and ~90 us through this
 * (bench:floor, HTTPS, 16 clients); undici's llhttp-in-WebAssembly, its header parsing into
 * objects and its request bookkeeping were the difference. It does only what those requests need:
 * one request per connection at a time, answers framed by length, chunks or close, a GET sent again
 * once when a reused connection turns out closed, headers and body timeouts, idle connections
 * closed after `keepAliveTimeoutMs`. Requests with a body, watches and upgrades stay on undici.
 *
 * Emits `connect` and `connectionError` (origin, targets, error) as undici's pools do, for the
 * untrusted-certificate log.
 */
export class Http1Pool extends EventEmitter implements ConnectionOwner, ShortRequestDispatcher {
  private readonly url: URL;
  private readonly idle: Http1Connection[] = [];
  private readonly all = new Set<Http1Connection>();
  private readonly queue: Http1Request[] = [];
  /** Connections not yet connected, with the request each will send first. */
  private readonly connecting = new Map<Http1Connection, Http1Request>();
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;
  private closing: (() => void) | undefined;
  private destroyed = false;

  constructor(private readonly options: Http1PoolOptions) {
    super();
    this.url = new URL(options.origin);
    this.now = options.now ?? Date.now;
  }

  /** Requests running and waiting, as undici's `stats` says them. */
  get stats(): { running: number; pending: number } {
    let running = this.connecting.size;
    for (const connection of this.all) if (connection.busy) running += 1;
    return { running, pending: this.queue.length };
  }

  /** Sends a bodiless request; its answer reaches `handler` as undici would report it. */
  dispatch(options: ShortRequestOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (options.body !== null) throw new TypeError('Http1Pool sends requests without a body only');
    refuseUnsendable(options);
    const request: Http1Request = { options, handler };
    if (this.destroyed || this.closing !== undefined) {
      handler.onResponseError?.(
        closedController,
        new ConnectionFailure(
          'UND_ERR_DESTROYED',
          'the connection pool to the kube-apiserver is closed',
        ),
      );
      return false;
    }
    this.schedule(request);
    return true;
  }

  /** Waits for the requests running and waiting, then closes every connection. */
  close(): Promise<void> {
    if (this.closing !== undefined || this.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
      this.settleClose();
    });
  }

  /** Closes every connection now; requests running or waiting fail. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const reason = new ConnectionFailure(
      'UND_ERR_DESTROYED',
      'the connection pool to the kube-apiserver was destroyed',
    );
    for (const request of this.queue.splice(0))
      request.handler.onResponseError?.(closedController, reason);
    // The connecting ones fail their first request through `closed`.
    for (const connection of [...this.all]) connection.destroy(reason);
    this.stopSweeping();
    this.closing?.();
  }

  released(connection: Http1Connection): void {
    const next = this.queue.shift();
    if (next !== undefined) {
      connection.send(next);
      return;
    }
    this.idle.push(connection);
    this.settleClose();
  }

  closed(connection: Http1Connection, retry: Http1Request | undefined, reason?: Error): void {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    const first = this.connecting.get(connection);
    if (first !== undefined) {
      // It never connected: its failure is that of the request it was opened for.
      this.connecting.delete(connection);
      const failure =
        reason ??
        new ConnectionFailure(
          'UND_ERR_SOCKET',
          'the connection to the kube-apiserver closed while opening',
        );
      this.emit('connectionError', this.url.origin, [this], failure);
      first.handler.onResponseError?.(closedController, failure);
    }
    if (!this.destroyed) {
      if (retry !== undefined) this.schedule(retry, false);
      else if (this.queue.length > 0) this.schedule(this.queue.shift()!);
    }
    if (this.all.size === 0) this.stopSweeping();
    this.settleClose();
  }

  private schedule(request: Http1Request, mayReuse = true): void {
    // Last in, first out: the most recently used connection is the least likely to be closing.
    const connection = mayReuse ? this.idle.pop() : undefined;
    if (connection !== undefined) {
      connection.send(request);
      return;
    }
    if (this.all.size >= this.options.connections) {
      this.queue.push(request);
      return;
    }
    this.open(request);
  }

  private open(first: Http1Request): void {
    const { hostname, port, protocol } = this.url;
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const secure = protocol === 'https:';
    const socket: Socket = secure
      ? tlsConnect({
          host,
          port: Number(port || 443),
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...(this.options.tls.ca === undefined ? {} : { ca: this.options.tls.ca }),
          rejectUnauthorized: this.options.tls.rejectUnauthorized,
        })
      : plainConnect({ host, port: Number(port || 80) });
    socket.setNoDelay(true);
    const connection = new Http1Connection(socket, this.url.host, this, this.now);
    this.all.add(connection);
    this.connecting.set(connection, first);
    this.startSweeping();
    socket.setTimeout(this.options.connectTimeoutMs, () => {
      if (!this.connecting.has(connection)) return;
      const within = `within ${this.options.connectTimeoutMs} ms`;
      connection.destroy(
        new ConnectionFailure(
          'UND_ERR_CONNECT_TIMEOUT',
          `no connection to the kube-apiserver ${within}`,
        ),
      );
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      if (!this.connecting.delete(connection)) return;
      this.emit('connect', this.url.origin, [this]);
      connection.send(first);
    });
  }

  private startSweeping(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setInterval(() => this.sweep(), this.options.sweepMs ?? 500);
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const connection of [...this.all]) connection.checkTimeouts(now);
    for (const connection of [...this.idle]) {
      if (now - connection.idleSince >= this.options.keepAliveTimeoutMs)
        connection.destroy(new ConnectionFailure('UND_ERR_SOCKET', 'idle'));
    }
  }

  private settleClose(): void {
    if (this.closing === undefined || this.queue.length > 0 || this.connecting.size > 0) return;
    for (const connection of this.all) if (connection.busy) return;
    for (const connection of [...this.idle])
      connection.destroy(new ConnectionFailure('UND_ERR_DESTROYED', 'closed'));
    this.stopSweeping();
    this.closing();
  }
}

// What undici refuses too: a path or header that would end the request line or a header early.
const PATH = /^\/[\u0021-\u00ff]*$/;
const BREAKS_LINE = /[\r\n\0]/;

const refuseUnsendable = ({ path, headers }: ShortRequestOptions): void => {
  if (!PATH.test(path)) throw new TypeError(`cannot send the request path ${JSON.stringify(path)}`);
  for (const name in headers) {
    const value = headers[name]!;
    let sendable = !BREAKS_LINE.test(name);
    if (typeof value === 'string') sendable &&= !BREAKS_LINE.test(value);
    else for (const each of value) sendable &&= !BREAKS_LINE.test(each);
    if (!sendable) throw new TypeError(`cannot send the header ${JSON.stringify(name)}`);
  }
};

// What a handler is told before any connection was its own (refused at once, or never connected).
const closedController: Dispatcher.DispatchController = {
  aborted: true,
  paused: false,
  reason: null,
  abort: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
};
