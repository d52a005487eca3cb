/**
 * The rewriter a proxy keeps for one pod: each subset gets its own copy of the controller's
 * leader-election lock, `<lock>---<subset>`, so each subset elects its own leader (DESIGN §5).
 */
import { type ApiRequest, DEFAULT_SUBSET, parseApiPath } from '@ctrlmesh/route-engine';
import { appendToSelectedName } from './field-selector-query.js';
import { renameJsonObject } from './json-body.js';
import { LOCK_NAME_SEPARATOR, subsetLockName } from './lock-name.js';
import { type LockIdentity, lockTarget } from './lock-target.js';
import { bodyFormat } from './media-type.js';
import { appendToNameSegment } from './name-segment.js';
import { renameProtobufRequestBody } from './protobuf-body.js';
import type { Rename } from './rename.js';
import { createResponseMapper, type LockResponseMapper } from './response-mapper.js';

/** What a proxy configures: the lock and the subset of this pod. */
export interface LockRewriterOptions {
  /** `spec.configuration.controller.leaderElectionName`; must not be empty. */
  readonly lockName: string;
  /** This pod's subset; `DEFAULT_SUBSET` keeps the configured name. */
  readonly subset: string;
  /** Only locks in this namespace are rewritten (usually the pod's); any namespace when absent. */
  readonly namespace?: string | undefined;
}

/** A request as the proxy received it. */
export interface LockRequest {
  readonly method: string;
  /** Path and raw query, e.g. `/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock`. */
  readonly url: string;
  readonly contentType?: string | undefined;
  /** The whole, uncompressed body, if any. */
  readonly body?: Uint8Array | undefined;
  /** `parseApiPath(method, url)` if the proxy already has it; parsed here otherwise. */
  readonly apiRequest?: ApiRequest | undefined;
}

/**
 * The request to forward. When `rewritten` is false, `url` and `body` are the very values received
 * (same string, same array): nothing was touched. When true, `response` maps the answer back.
 */
export type RewrittenLockRequest =
  | { readonly rewritten: false; readonly url: string; readonly body: Uint8Array | undefined }
  | {
      readonly rewritten: true;
      readonly url: string;
      readonly body: Uint8Array | undefined;
      readonly response: LockResponseMapper;
    };

/** Rewrites the lock requests of one subset. */
export interface LockRewriter {
  /** The name this subset's lock has on the apiserver (the configured name for the default subset). */
  readonly subsetLockName: string;
  /** Renames the lock in the path, field selector or body of `request` if it is lock traffic. */
  rewriteRequest(request: LockRequest): RewrittenLockRequest;
}

const renameRequestBody = (
  contentType: string | undefined,
  body: Uint8Array | undefined,
  rename: Rename,
): Uint8Array | undefined => {
  if (body === undefined) return body;
  const format = bodyFormat(contentType);
  if (format === 'json') return renameJsonObject(body, rename);
  if (format === 'protobuf') return renameProtobufRequestBody(body, rename);
  return body;
};

const rewriteUrl = (
  request: LockRequest,
  target: 'name-segment' | 'field-selector',
  lock: LockIdentity,
  suffix: string,
): string => {
  if (target === 'name-segment') {
    return appendToNameSegment(request.url, lock.name, suffix) ?? request.url;
  }
  const queryStart = request.url.indexOf('?');
  if (queryStart === -1) return request.url;
  const query = request.url.slice(queryStart + 1);
  const rewritten = appendToSelectedName(query, lock.name, suffix);
  return rewritten === query ? request.url : `${request.url.slice(0, queryStart + 1)}${rewritten}`;
};

/**
 * Creates the rewriter for one pod. The default subset, and a lock name that already ends in
 * `---<subset>`, keep the configured name: every request then passes through untouched.
 * Throws a `TypeError` for an empty lock name (a configuration the manager never hands out).
 */
export const createLockRewriter = (options: LockRewriterOptions): LockRewriter => {
  if (options.lockName === '')
    throw new TypeError('createLockRewriter: lockName must not be empty');
  const lock: LockIdentity = { name: options.lockName, namespace: options.namespace };
  const target =
    options.subset === DEFAULT_SUBSET
      ? options.lockName
      : subsetLockName(options.lockName, options.subset);
  if (target === options.lockName) {
    return {
      subsetLockName: target,
      rewriteRequest: (request) => ({ rewritten: false, url: request.url, body: request.body }),
    };
  }
  const suffix = `${LOCK_NAME_SEPARATOR}${options.subset}`;
  const rename: Rename = { from: options.lockName, to: target };
  const response = createResponseMapper({ from: target, to: options.lockName });
  return {
    subsetLockName: target,
    rewriteRequest: (request) => {
      const untouched = { rewritten: false, url: request.url, body: request.body } as const;
      const parsed = request.apiRequest ?? parseApiPath(request.method, request.url);
      const where = lockTarget(parsed, lock);
      if (where === undefined) return untouched;
      const url = where === 'body' ? request.url : rewriteUrl(request, where, lock, suffix);
      // A create names the lock only in its body; update and patch carry it in both places.
      const body =
        where === 'field-selector'
          ? request.body
          : renameRequestBody(request.contentType, request.body, rename);
      if (url === request.url && body === request.body) return untouched;
      return { rewritten: true, url, body, response };
    },
  };
};
