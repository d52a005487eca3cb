import { Readable } from 'node:stream';
import {
  type Decision,
  decide,
  formatApiPath,
  isNamespaceResource,
  type ResourceRequest,
} from '@ctrlmesh/route-engine';
import { filterableRequestHeaders, readableFormat } from '../http/filterable-request.js';
import { readBody } from '../http/read-body.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import type { ProxyResponse } from '../pipeline/exchange.js';
import type { Handler, Stage } from '../pipeline/stage.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import {
  ExcludedError,
  MixedSliceError,
  OutsideSliceError,
  type Subject,
  UnreadableBodyError,
} from '../status/proxy-error.js';
import type { KubeObject } from '../streams/kube-object.js';
import { objectOf, openEnvelope } from '../streams/kube-protobuf.js';
import type { Decided } from './decide-ownership.js';

/** What {@link checkObject} needs. */
export interface CheckObjectDeps {
  readonly namespaces: NamespaceLabels;
  readonly maxFrameBytes: number;
}

const subjectOf = (api: ResourceRequest, name?: string): Subject => ({
  group: api.group,
  resource: api.resource,
  namespace: isNamespaceResource(api) ? undefined : api.namespace,
  name: name ?? api.name,
});

const parseObject = (bytes: Buffer): KubeObject => {
  try {
    return JSON.parse(bytes.toString('utf8')) as KubeObject;
  } catch {
    throw new UnreadableBodyError(
      "ctrlmesh-proxy must read this object's labels and could not parse it as JSON",
    );
  }
};

// A Namespace lives in itself (DESIGN §4.1): it is decided on its own name and labels, also for a
// create, whose path names no namespace yet.
const decideOn = async (
  snapshot: RouteSnapshot,
  namespaces: NamespaceLabels,
  api: ResourceRequest,
  userAgent: string,
  object: KubeObject,
): Promise<Decision> => {
  const objectLabels = object.metadata?.labels ?? {};
  const name = isNamespaceResource(api) ? (object.metadata?.name ?? api.namespace) : api.namespace;
  const namespace =
    name === undefined
      ? undefined
      : {
          name,
          labels: isNamespaceResource(api) ? objectLabels : ((await namespaces.get(name)) ?? {}),
        };
  return decide(
    snapshot.routes,
    {
      group: api.group,
      resource: api.resource,
      subresource: api.subresource,
      namespace,
      objectLabels,
      userAgent,
    },
    snapshot.subset,
  );
};

const enforce = (decision: Decision, subject: Subject, subset: string): void => {
  if (decision.kind === 'allowed') return;
  if (decision.kind === 'denied') throw new OutsideSliceError(subject, decision.owner, subset);
  throw new ExcludedError(subject);
};

// The object as it is now, read with the client's own credentials; undefined when it does not exist
// (the original request then gets the apiserver's own 404).
const readCurrent = async (
  next: Handler<Decided>,
  exchange: Decided,
  api: ResourceRequest,
  maxBytes: number,
) => {
  const path = formatApiPath({
    ...api,
    verb: 'get',
    subresource: undefined,
    extraPath: undefined,
    query: '',
  });
  const {
    authorization,
    'user-agent': userAgent,
    'impersonate-user': impersonate,
  } = exchange.request.headers;
  const headers = filterableRequestHeaders({
    ...(authorization === undefined ? {} : { authorization }),
    ...(userAgent === undefined ? {} : { 'user-agent': userAgent }),
    ...(impersonate === undefined ? {} : { 'impersonate-user': impersonate }),
  });
  const response = await next({
    ...exchange,
    request: { method: 'GET', path, query: '', headers, body: null },
  });
  const body =
    response.body instanceof Readable ? await readBody(response.body, maxBytes) : undefined;
  if (response.status !== 200 || body === undefined) return undefined;
  return parseObject(body);
};

const buffered = (response: ProxyResponse, body: Buffer): ProxyResponse => ({ ...response, body });

/**
 * Decides requests whose ownership depends on the object's own labels (an `objectSelector` rule):
 * a get is decided on the object the apiserver returns (refused, not shown, when it is not ours);
 * a create on the labels in its body; update, patch and delete on the object as it is now, read
 * first with the client's own credentials; deletecollection is refused (it would reach other
 * subsets' objects). The original left these unchecked (reference §10.2 item 3). Needs the plan.
 */
export const checkObject =
  (deps: CheckObjectDeps): Stage<Decided> =>
  (next) =>
  async (exchange) => {
    const { plan, userAgent } = exchange;
    if (plan.kind !== 'check-object') return next(exchange);
    const { api, snapshot } = plan;
    const check = async (object: KubeObject | undefined) => {
      if (object === undefined) return;
      const decision = await decideOn(snapshot, deps.namespaces, api, userAgent, object);
      enforce(decision, subjectOf(api, object.metadata?.name), snapshot.subset);
    };
    switch (api.verb) {
      case 'deletecollection':
        throw new MixedSliceError(subjectOf(api));
      // A create on a subresource (exec, attach, portforward, eviction, binding) acts on its parent
      // object: decided on the parent as it is now, like the other writes.
      case 'create': {
        if (api.subresource !== undefined) {
          await check(await readCurrent(next, exchange, api, deps.maxFrameBytes));
          return next(exchange);
        }
        const { body } = exchange.request;
        const bytes = body === null ? Buffer.alloc(0) : await readBody(body, deps.maxFrameBytes);
        const type = exchange.request.headers['content-type'];
        const format = readableFormat(type);
        if (format === undefined) {
          throw new UnreadableBodyError(
            `ctrlmesh-proxy must read the labels of this ${String(type)} body; send JSON or protobuf`,
          );
        }
        await check(format === 'json' ? parseObject(bytes) : objectOf(openEnvelope(bytes).raw));
        return next({
          ...exchange,
          request: { ...exchange.request, body: Readable.from([bytes]) },
        });
      }
      case 'get':
        if (api.subresource === undefined || api.subresource === 'status') {
          const response = await next({
            ...exchange,
            request: {
              ...exchange.request,
              headers: filterableRequestHeaders(exchange.request.headers),
            },
          });
          if (response.status !== 200 || !(response.body instanceof Readable)) return response;
          const bytes = await readBody(response.body, deps.maxFrameBytes);
          await check(parseObject(bytes));
          const {
            'content-length': _length,
            'content-encoding': _encoding,
            ...headers
          } = response.headers;
          return buffered(
            { ...response, headers: { ...headers, 'content-length': String(bytes.length) } },
            bytes,
          );
        }
        await check(await readCurrent(next, exchange, api, deps.maxFrameBytes));
        return next(exchange);
      default:
        await check(await readCurrent(next, exchange, api, deps.maxFrameBytes));
        return next(exchange);
    }
  };
