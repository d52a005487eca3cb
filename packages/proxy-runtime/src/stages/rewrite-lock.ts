import { Readable } from 'node:stream';
import {
  createLockRewriter,
  type LockRewriter,
  lockTarget,
} from '@ctrlmesh/leader-election-rewriter';
import { readBody, readResponseBody } from '../http/read-body.js';
import type { ProxyResponse } from '../pipeline/exchange.js';
import type { Stage } from '../pipeline/stage.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import { mapWatchEvents } from '../streams/map-watch-events.js';
import type { Classified } from './classify-request.js';

/** An exchange `rewriteLock` has looked at: what it adds, which `decideOwnership` needs. */
export type LockChecked = Classified & {
  /** Leader-election lock traffic, which each subset has its own copy of: ownership lets it by. */
  readonly lockTraffic: boolean;
};

/** What {@link rewriteLock} needs. */
export interface RewriteLockDeps {
  /** The pod's namespace: only locks there are rewritten (the controller's own lock). */
  readonly podNamespace: string;
  readonly maxFrameBytes: number;
}

/**
 * Gives each subset its own leader-election lock (DESIGN §5): requests for the lock named
 * `leaderElectionName` in the pod's namespace go to `<name>---<subset>` (leader-election-rewriter:
 * name segment, field selector or body, JSON and protobuf), and the answers are mapped back so the
 * controller only ever sees the name it asked for. The default subset keeps the original name. Lock
 * traffic is marked so ownership does not refuse it: the lock's namespace need not be in the slice.
 * Needs the classified request and the pinned snapshot; says for every request whether it is lock
 * traffic (`LockChecked`), so that a pipeline with this stage after `decideOwnership` does not compile.
 */
export const rewriteLock = (deps: RewriteLockDeps): Stage<Classified, LockChecked> => {
  const rewriters = new WeakMap<RouteSnapshot, LockRewriter>();
  const rewriterFor = (snapshot: RouteSnapshot, lockName: string): LockRewriter => {
    let rewriter = rewriters.get(snapshot);
    if (rewriter === undefined) {
      rewriter = createLockRewriter({
        lockName,
        subset: snapshot.lockSubset,
        namespace: deps.podNamespace,
      });
      rewriters.set(snapshot, rewriter);
    }
    return rewriter;
  };
  return (next) => async (exchange) => {
    const { snapshot, api, request } = exchange;
    const lockName = snapshot?.leaderElectionName;
    if (
      snapshot === undefined ||
      lockName === undefined ||
      lockName === '' ||
      api.kind !== 'resource'
    ) {
      return next({ ...exchange, lockTraffic: false });
    }
    if (lockTarget(api, { name: lockName, namespace: deps.podNamespace }) === undefined)
      return next({ ...exchange, lockTraffic: false });
    const body =
      request.body === null ? undefined : await readBody(request.body, deps.maxFrameBytes);
    const contentType = request.headers['content-type'];
    const url = request.query === '' ? request.path : `${request.path}?${request.query}`;
    const rewritten = rewriterFor(snapshot, lockName).rewriteRequest({
      method: request.method,
      url,
      contentType,
      body,
      apiRequest: api,
    });
    const mark = rewritten.url.indexOf('?');
    const headers = { ...request.headers };
    if (rewritten.body !== undefined) headers['content-length'] = String(rewritten.body.length);
    delete headers['transfer-encoding'];
    // Answers are mapped byte by byte: ask for them uncompressed.
    delete headers['accept-encoding'];
    const response = await next({
      ...exchange,
      lockTraffic: true,
      request: {
        ...request,
        path: mark < 0 ? rewritten.url : rewritten.url.slice(0, mark),
        query: mark < 0 ? '' : rewritten.url.slice(mark + 1),
        headers,
        body: rewritten.body === undefined ? null : Readable.from([rewritten.body]),
      },
    });
    if (!rewritten.rewritten || response.body === null) return response;
    const responseType = String(response.headers['content-type'] ?? '');
    const { 'content-length': _length, ...rest } = response.headers;
    if (api.verb === 'watch') {
      const mapper = rewritten.response;
      // JSON lines or protobuf frames: the original (and this proxy until now) mapped only JSON.
      const { body } = response;
      const source = body instanceof Readable ? body : Readable.from([body]);
      const events = mapWatchEvents(source, responseType, deps.maxFrameBytes, (event) =>
        mapper.mapWatchEvent(responseType, event),
      );
      return {
        status: response.status,
        headers: rest,
        body: Readable.from(events),
      } satisfies ProxyResponse;
    }
    const mapped = rewritten.response.mapBody(
      responseType,
      await readResponseBody(response.body, deps.maxFrameBytes),
    );
    return {
      status: response.status,
      headers: { ...rest, 'content-length': String(mapped.length) },
      body: mapped,
    };
  };
};
