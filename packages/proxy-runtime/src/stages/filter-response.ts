import { pipeline, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { type ListOptions, readParameter } from '@ctrlmesh/list-option-injector';
import { isNamespaceResource, type ResourceRequest } from '@ctrlmesh/route-engine';
import { createWatchCutter } from '@ctrlmesh/traffic-policy';
import { filterableRequestHeaders, readableFormat } from '../http/filterable-request.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { faultInjected, objectsFiltered, watchCount } from '../observe/channels.js';
import { blindUserAgent } from '../ownership/blind-user-agent.js';
import { objectVerdict } from '../ownership/object-verdict.js';
import { viewMayChange } from '../ownership/view-change.js';
import type { ProxyResponse, ResponseHeaders } from '../pipeline/exchange.js';
import type { Handler, Stage } from '../pipeline/stage.js';
import type { StreamFaults } from '../policies/stream-faults.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import type { Routes } from '../routes/route-store.js';
import {
  BadRequestError,
  UpstreamMalformedError,
  WatchExpiredError,
} from '../status/proxy-error.js';
import { filterJsonList, type ListFilterSummary } from '../streams/json-list-filter.js';
import { jsonWatchCodec } from '../streams/json-watch-codec.js';
import type { ObjectVerdict } from '../streams/kube-object.js';
import { acceptsTable } from '../streams/kube-table.js';
import { filterProtobufList } from '../streams/protobuf-list-filter.js';
import { protobufWatchCodec } from '../streams/protobuf-watch-codec.js';
import { filterWatch, type WatchCut, type WatchFilterCounts } from '../streams/watch-filter.js';
import { WatchVisibility } from '../streams/watch-visibility.js';
import type { WatchRegistry } from '../watches/watch-registry.js';
import type { SeedScope, WatchSeeds } from '../watches/watch-seeds.js';
import type { FilterPlan, Planned } from './decide-ownership.js';

/** An exchange on the filter branch. */
type Filtering = Planned<'filter'>;

/** What {@link filterResponse} needs. */
export interface FilterResponseDeps {
  /** The routes now: a watch decided on a snapshot that is no longer current is refused. */
  readonly routes: Routes;
  readonly namespaces: NamespaceLabels;
  readonly seeds: WatchSeeds;
  readonly watches: WatchRegistry;
  readonly maxFrameBytes: number;
  readonly maxListBytes: number;
}

// Where a client may resume: what decides the set it was shown. Of the user agent only whether it
// is default-only counts (the one way it changes a slice); client-node 2.x lists with one user agent
// and watches with another, and must still resume from its list.
const seedScope = (plan: FilterPlan, options: ListOptions, userAgent: string): SeedScope => ({
  key: [
    plan.snapshot.version,
    plan.api.group,
    plan.api.resource,
    plan.api.namespace ?? '',
    options.labelSelector,
    options.fieldSelector,
    plan.snapshot.routes.defaultOnlyUserAgents.has(userAgent) ? 'default-only' : 'any agent',
  ].join('|'),
  namespace: plan.api.namespace,
});

const filteredHeaders = (headers: ResponseHeaders): ResponseHeaders => {
  const { 'content-length': _length, 'content-encoding': _encoding, ...rest } = headers;
  return rest;
};

// The apiserver should not compress (we asked for identity), but a gzip body is still read right.
const decoded = (response: ProxyResponse): AsyncIterable<Uint8Array> => {
  const body = response.body as Readable;
  if (String(response.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return body;
  // pipeline, not pipe: the gunzip must end, with the error, when the upstream answer is destroyed.
  return pipeline(body, createGunzip(), () => undefined);
};

type Streamed = ProxyResponse & { body: Readable };

// A list small enough to have come back whole is filtered as a stream of one chunk; anything but a
// 200 with a body (a Status, a 304) is handed back as it is.
const streamed = (response: ProxyResponse): Streamed | undefined => {
  if (response.status !== 200 || response.body === null) return undefined;
  const { body } = response;
  return body instanceof Readable
    ? (response as Streamed)
    : { ...response, body: Readable.from([body]) };
};

const refuseUnreadable = (response: Streamed): never => {
  response.body.destroy();
  throw new UpstreamMalformedError(
    `ctrlmesh-proxy cannot filter a ${String(response.headers['content-type'])} response; ask for JSON`,
  );
};

async function* thenRun<T>(source: AsyncIterable<T>, done: () => void): AsyncGenerator<T> {
  try {
    yield* source;
  } finally {
    done();
  }
}

// A slow list: every chunk but the last goes at once, the last (closing the list) after `wait`, when
// the number of items shown is known. The client cannot use the list before its end.
async function* holdLast(
  source: AsyncIterable<Buffer | Uint8Array>,
  wait: () => Promise<unknown>,
): AsyncGenerator<Buffer | Uint8Array> {
  let last: Buffer | Uint8Array | undefined;
  for await (const chunk of source) {
    if (last !== undefined) yield last;
    last = chunk;
  }
  await wait();
  if (last !== undefined) yield last;
}

/**
 * A watch fault's cut, ready for `filterWatch`: after some events (counted by the filter), or at a
 * deadline (a timer that ends the watch through `expire`), whichever comes first; counted as an
 * injected fault when it cuts.
 */
const watchFault = (
  faults: StreamFaults | undefined,
  expire: (error: WatchExpiredError | undefined) => void,
): { cut: WatchCut; stop: () => void } | undefined => {
  const fault = faults?.watch;
  if (fault === undefined) return undefined;
  const { plan } = fault;
  const cutter = createWatchCutter(plan);
  const error =
    plan.end === 'Expired'
      ? new WatchExpiredError(plan.status?.message ?? `watch cut by FaultInjection ${fault.policy}`)
      : undefined;
  let cut = false;
  const onCut = () => {
    if (cut) return;
    cut = true;
    faultInjected.publish({
      policy: fault.policy,
      fault: fault.fault,
      kind: 'watch',
      code: error === undefined ? 0 : 410,
    });
  };
  const timer =
    plan.deadline === undefined
      ? undefined
      : setTimeout(
          () => {
            onCut();
            expire(error);
          },
          Math.max(0, plan.deadline - Date.now()),
        );
  return {
    cut: { onEvent: () => cutter.onEvent(Date.now()), error, onCut },
    stop: () => clearTimeout(timer),
  };
};

const filterListResponse = async (
  next: Handler<Filtering>,
  exchange: Filtering,
  keep: ObjectVerdict,
  scope: SeedScope,
  deps: FilterResponseDeps,
): Promise<ProxyResponse> => {
  const answer = await next(exchange);
  const response = streamed(answer);
  if (response === undefined) return answer;
  const format = readableFormat(response.headers['content-type']);
  if (format === undefined) refuseUnreadable(response);
  const summary: ListFilterSummary = {
    kept: 0,
    dropped: 0,
    shownKeys: [],
    resourceVersion: undefined,
  };
  const continued = exchange.request.info.listOptions.continue !== '';
  let complete = false;
  const filtered =
    format === 'protobuf'
      ? filterProtobufList(decoded(response), { keep, maxListBytes: deps.maxListBytes, summary })
      : filterJsonList(decoded(response), { keep, maxItemBytes: deps.maxFrameBytes, summary });
  const slow = exchange.streamFaults?.slowList;
  const held =
    slow === undefined
      ? filtered
      : holdLast(filtered, () => {
          faultInjected.publish({
            policy: slow.policy,
            fault: slow.fault,
            kind: 'slowList',
            code: 0,
          });
          return sleep(slow.delayFor(summary.kept), undefined, { ref: false });
        });
  const body = Readable.from(
    thenRun(
      (async function* () {
        yield* held;
        complete = true;
      })(),
      () => {
        if (!complete) return;
        if (summary.resourceVersion)
          deps.seeds.record(scope, summary.resourceVersion, summary.shownKeys, continued);
        objectsFiltered.publish({
          resource: exchange.report.resource,
          source: 'list',
          kept: summary.kept,
          dropped: summary.dropped,
        });
      },
    ),
  );
  return { status: response.status, headers: filteredHeaders(response.headers), body };
};

const filterWatchResponse = async (
  next: Handler<Filtering>,
  exchange: Filtering,
  plan: FilterPlan,
  verdictUnder: (snapshot: RouteSnapshot) => ObjectVerdict,
  scope: SeedScope,
  deps: FilterResponseDeps,
): Promise<ProxyResponse> => {
  const { listOptions } = exchange.request.info;
  const { resourceVersion } = listOptions;
  const sendInitialEvents = listOptions.sendInitialEvents === true;
  const fromExactVersion = resourceVersion !== '' && resourceVersion !== '0';
  let seed: Iterable<string> = [];
  if (fromExactVersion && !sendInitialEvents) {
    const known = deps.seeds.seed(scope, resourceVersion);
    if (known === undefined) {
      throw new WatchExpiredError(
        `ctrlmesh-proxy does not know what this client holds at resourceVersion ${resourceVersion}; re-list`,
      );
    }
    seed = known;
  }
  // The routes changed after this request pinned its snapshot (it waited for namespace labels or
  // discovery): the swap expired every watch before this one was registered, so it would go on
  // serving the old routes. The client re-lists and gets the new ones.
  if (deps.routes.current() !== plan.snapshot) {
    throw new WatchExpiredError(
      `ctrlmesh routes changed to version ${deps.routes.current()?.version} while this watch opened; re-list`,
    );
  }
  let expire: (error: WatchExpiredError | undefined) => void = () => undefined;
  const expired = new Promise<WatchExpiredError | undefined>((resolve) => {
    expire = resolve;
  });
  // The routes this watch decides on: a route change that shows it the same objects is taken
  // without ending it (its client does not re-list); any other ends it with 410.
  let decidedOn = plan.snapshot;
  let keep = verdictUnder(decidedOn);
  const view = {
    group: plan.api.group,
    resource: plan.api.resource,
    namespace: plan.api.namespace,
    userAgent: exchange.userAgent,
  };
  const unregister = deps.watches.add({
    namespace: isNamespaceResource(plan.api) ? undefined : plan.api.namespace,
    expire: (error) => expire(error),
    follow: (next, answers) => {
      // Judged once per view and route change, however many watches read it.
      const key = [
        decidedOn.version,
        decidedOn.subset,
        view.group,
        view.resource,
        view.namespace ?? '',
        view.userAgent,
      ].join('|');
      let changes = answers.get(key);
      if (changes === undefined) {
        changes = viewMayChange(decidedOn, next, view, deps.namespaces.known());
        answers.set(key, changes);
      }
      if (changes) return false;
      decidedOn = next;
      keep = verdictUnder(next);
      return true;
    },
  });
  watchCount.publish({ delta: 1 });
  const fault = watchFault(exchange.streamFaults, expire);
  const close = () => {
    fault?.stop();
    unregister();
    watchCount.publish({ delta: -1 });
  };
  let answer: ProxyResponse;
  try {
    answer = await next(exchange);
  } catch (error) {
    close();
    throw error;
  }
  const response = streamed(answer);
  if (response === undefined) {
    close();
    return answer;
  }
  const format = readableFormat(response.headers['content-type']);
  if (format === undefined) {
    close();
    refuseUnreadable(response);
  }
  const visibility = new WatchVisibility(
    seed,
    {
      bookmarks: listOptions.allowWatchBookmarks,
      sendInitialEvents,
      fromExactVersion,
    },
    // Recorded as reached, not when the watch ends: a client that closes and re-watches at once
    // may ask before the end is seen here (issue 9: a spurious 410).
    (position, held) => deps.seeds.advance(scope, position, held),
  );
  const counts: WatchFilterCounts = { kept: 0, dropped: 0 };
  const events = filterWatch(decoded(response), {
    codec: format === 'protobuf' ? protobufWatchCodec(deps.maxFrameBytes) : jsonWatchCodec,
    keep: (object) => keep(object),
    visibility,
    maxFrameBytes: deps.maxFrameBytes,
    expired,
    counts,
    cut: fault?.cut,
  });
  const body = Readable.from(
    thenRun(events, () => {
      close();
      const last = visibility.lastResourceVersion;
      if (last !== undefined) deps.seeds.advance(scope, last, visibility.shownKeys());
      objectsFiltered.publish({ resource: exchange.report.resource, source: 'watch', ...counts });
    }),
  );
  return { status: response.status, headers: filteredHeaders(response.headers), body };
};

/**
 * Filters lists and watches (plan `filter`) to what this pod may see: asks the apiserver for
 * uncompressed JSON, decides each item or event with route-engine (`ownership/object-verdict.ts`),
 * and streams the result (`streams/`). Records what each list and watch showed so that a resumed
 * watch knows what its client holds; a watch from an unknown position gets 410 Expired (re-list).
 * A stage of the `filter` branch (`switchPlan`).
 */
export const filterResponse =
  (deps: FilterResponseDeps): Stage<Filtering> =>
  (next) =>
  async (exchange) => {
    const { plan } = exchange;
    const api: ResourceRequest = plan.api;
    const verdictUnder = (snapshot: RouteSnapshot): ObjectVerdict =>
      blindUserAgent(snapshot, exchange.userAgent)
        ? () => false
        : objectVerdict(snapshot, deps.namespaces, {
            group: api.group,
            resource: api.resource,
            userAgent: exchange.userAgent,
          });
    const keep = verdictUnder(plan.snapshot);
    const { info } = exchange.request;
    const scope = seedScope(plan, info.listOptions, exchange.userAgent);
    const headers = filterableRequestHeaders(exchange.request.headers, {
      protobuf: api.verb === 'watch' ? 'preferred' : 'fallback',
    });
    if (acceptsTable(headers.accept) && readParameter(info.query, 'includeObject') === 'None') {
      // Rows without their object name nothing to decide on: fail closed (issue 9, README).
      throw new BadRequestError(
        'ctrlmesh-proxy cannot filter Table rows without their objects (includeObject=None); ask for includeObject=Metadata (the default) or Object',
      );
    }
    const forwarded: Filtering = { ...exchange, request: { ...exchange.request, headers } };
    if (api.verb === 'list') return filterListResponse(next, forwarded, keep, scope, deps);
    return filterWatchResponse(next, forwarded, plan, verdictUnder, scope, deps);
  };
