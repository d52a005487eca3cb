import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { RequestInfo } from '../http/request-info.js';
import type { DecisionLabel } from '../observe/channels.js';
import type { StreamFaults } from '../policies/stream-faults.js';
import type { Destroyable } from '../upstream/short-answer.js';

/** A request as the proxy received it from the controller; stages replace it, never mutate it. */
export interface ProxyRequest {
  readonly method: string;
  /** The path without the query, exactly as sent (percent-encoding kept). */
  readonly path: string;
  /** The raw query string without the leading `?` (empty when there is none). */
  readonly query: string;
  readonly headers: Readonly<IncomingHttpHeaders>;
  /** The request body, or null for bodiless requests. */
  readonly body: Readable | null;
  /** Present for HTTP/1.1 upgrades (exec, attach, port-forward): the client's socket and first bytes. */
  readonly upgrade?: { readonly socket: Duplex; readonly head: Buffer };
  /**
   * What the apiserver reads from this request (`readRequestInfo`), read once when it arrived.
   * Stages that rewrite the path or query (lock names, injected selectors) keep it: they change
   * neither the verb nor whether it is long-running. A request the proxy makes of its own (a read
   * before a write) is read anew: its facts are its own, not those of the request behind it.
   */
  readonly info: RequestInfo;
}

/** Headers of a response, lower-case names. */
export type ResponseHeaders = Record<string, string | string[]>;

/** A response body: a stream (lists, watches), whole bytes (errors), or nothing. */
export type ResponseBody = Readable | Uint8Array | null;

/** A response travelling back through the stages to the controller. */
export interface ProxyResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: ResponseBody;
  /** Set when the upstream switched protocols: the server splices this socket to the client's. */
  readonly upgraded?: Duplex;
}

/** One request's journey through the pipeline: the request plus what earlier stages learned. */
export interface Exchange {
  readonly request: ProxyRequest;
  /** Aborted when the controller goes away or the proxy shuts down. */
  readonly signal: AbortSignal;
  /** A short id for logs and metrics correlation. */
  readonly id: string;
  /**
   * Ties an answer of the apiserver to the controller's connection: the answer is destroyed at once
   * if the controller has gone, or when it goes before its response is finished, whichever stage
   * is reading the answer then. Set by serve-proxy; forward-upstream uses it for the requests whose
   * signal undici does not get (every short one), from the moment they are sent.
   */
  readonly holdUpstream?: (answer: Destroyable) => void;
  /** Filled in by stages as they learn things; published once when the request ends. */
  readonly report: RequestReport;
  /** Watch cuts and slow lists a FaultInjection decided for this request (`applyTrafficPolicy`). */
  readonly streamFaults?: StreamFaults | undefined;
}

/** What metrics and logs say about a request: the one mutable part of an exchange. */
export interface RequestReport {
  verb: string;
  resource: string;
  decision: DecisionLabel;
}
