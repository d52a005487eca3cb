import { Readable } from 'node:stream';
import {
  formatApiPath,
  type HandoverDecision,
  type HandoverOwnership,
  handoverDecisionFor,
  handoverOwner,
  isNamespaceResource,
  type ResourceRequest,
} from '@ctrlmesh/route-engine';
import { filterableRequestHeaders } from '../http/filterable-request.js';
import { objectBody, patchBody, patchTypeOf } from '../http/object-body.js';
import { readBody, readResponseBody } from '../http/read-body.js';
import { readRequestInfo } from '../http/request-info.js';
import type { NamespaceLabels } from '../namespaces/namespace-labels.js';
import { decisionLabel } from '../ownership/decision-label.js';
import { patchedLabels } from '../ownership/patched-labels.js';
import { revokedError } from '../ownership/revoked-error.js';
import type { ProxyResponse } from '../pipeline/exchange.js';
import type { Handler, Stage } from '../pipeline/stage.js';
import type { RouteSnapshot } from '../routes/route-snapshot.js';
import {
  BadRequestError,
  ExcludedError,
  MixedSliceError,
  OutsideSliceError,
  type Subject,
  UnreadableBodyError,
} from '../status/proxy-error.js';
import type { KubeObject } from '../streams/kube-object.js';
import type { Planned } from './decide-ownership.js';

/** An exchange on the check-object branch. */
type Checking = Planned<'check-object'>;

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
): Promise<{ ownership: HandoverOwnership; decision: HandoverDecision }> => {
  const objectLabels = object.metadata?.labels ?? {};
  const name = isNamespaceResource(api) ? (object.metadata?.name ?? api.namespace) : api.namespace;
  const namespace =
    name === undefined
      ? undefined
      : {
          name,
          labels: isNamespaceResource(api) ? objectLabels : ((await namespaces.get(name)) ?? {}),
        };
  const ownership = handoverOwner(snapshot.state, {
    group: api.group,
    resource: api.resource,
    subresource: api.subresource,
    namespace,
    objectLabels,
    userAgent,
  });
  return { ownership, decision: handoverDecisionFor(ownership, snapshot.subset) };
};

const enforce = (decision: HandoverDecision, subject: Subject, snapshot: RouteSnapshot): void => {
  if (decision.kind === 'allowed') return;
  if (decision.kind === 'denied')
    throw new OutsideSliceError(subject, decision.owner, snapshot.subset);
  // Handed over between revisions (Revoking): nobody may until it settles.
  if (decision.kind === 'revoked') throw revokedError(snapshot, subject);
  throw new ExcludedError(subject);
};

// A response whose body the proxy read whole: it goes on with the length of what it holds.
const buffered = (response: ProxyResponse, body: Buffer): ProxyResponse => {
  const { 'content-length': _length, 'content-encoding': _encoding, ...headers } = response.headers;
  return { ...response, headers: { ...headers, 'content-length': String(body.length) }, body };
};

/** The object a write is about, as it is now. */
type Current =
  | { readonly kind: 'found'; readonly object: KubeObject }
  | { readonly kind: 'absent' }
  // The read failed (forbidden, throttled, apiserver error): the client gets that answer, as the
  // proxy cannot decide without the object (it used to let the write through unchecked).
  | { readonly kind: 'unread'; readonly response: ProxyResponse };

// The object as it is now, read with the client's own credentials.
const readCurrent = async (
  next: Handler<Checking>,
  exchange: Checking,
  api: ResourceRequest,
  maxBytes: number,
): Promise<Current> => {
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
  // Its own facts, not the parent's: the read before an exec is a short request, not a stream.
  const response = await next({
    ...exchange,
    request: {
      method: 'GET',
      path,
      query: '',
      headers,
      body: null,
      info: readRequestInfo('GET', path, ''),
    },
  });
  const body = await readResponseBody(response.body, maxBytes);
  if (response.status === 200) return { kind: 'found', object: parseObject(body) };
  if (response.status === 404) return { kind: 'absent' };
  return { kind: 'unread', response: buffered(response, body) };
};

/**
 * Decides requests whose ownership depends on the object's own labels (an `objectSelector` rule):
 * a get is decided on the object the apiserver returns (refused, not shown, when it is not ours);
 * a create on the labels in its body; update, patch and delete on the object as it is now, read
 * first with the client's own credentials, and an update or patch also on the labels it leaves
 * (so it can neither create nor hand over an object outside the slice); deletecollection is
 * refused (it would reach other subsets' objects). The original left these unchecked (reference
 * §10.2 item 3). The stage of the `check-object` branch (`switchPlan`).
 */
export const checkObject =
  (deps: CheckObjectDeps): Stage<Checking> =>
  (next) =>
  async (exchange) => {
    const { plan, userAgent, report } = exchange;
    const { api, snapshot } = plan;
    // Until an object decides: a request with none to decide on (absent, or its read failed)
    // reaches the apiserver as an owned one does.
    report.decision = 'owned';
    const check = async (object: KubeObject) => {
      const { ownership, decision } = await decideOn(
        snapshot,
        deps.namespaces,
        api,
        userAgent,
        object,
      );
      // The decision is final here: a 403 is counted as denied (or excluded), not as owned.
      report.decision = decisionLabel(ownership, decision);
      enforce(decision, subjectOf(api, object.metadata?.name), snapshot);
    };
    // Decided on the object as it is now; an absent one gets the apiserver's own answer (404).
    const onCurrent = async () => {
      const current = await readCurrent(next, exchange, api, deps.maxFrameBytes);
      if (current.kind === 'unread') return current.response;
      if (current.kind === 'found') await check(current.object);
      return next(exchange);
    };
    const { body, headers } = exchange.request;
    const bodyBytes = async () =>
      body === null ? Buffer.alloc(0) : await readBody(body, deps.maxFrameBytes);
    const withBody = (bytes: Buffer) =>
      next({ ...exchange, request: { ...exchange.request, body: Readable.from([bytes]) } });
    switch (api.verb) {
      case 'deletecollection':
        throw new MixedSliceError(subjectOf(api));
      // A create on a subresource (exec, attach, portforward, eviction, binding) acts on its parent
      // object: decided on the parent as it is now, like the other writes.
      case 'create': {
        if (api.subresource !== undefined) return onCurrent();
        const bytes = await bodyBytes();
        await check(objectBody(headers['content-type'], bytes));
        return withBody(bytes);
      }
      // Subresource writes (status, scale) never create (the apiserver answers 404 for a missing
      // parent) and their bodies do not set the parent's labels: decided on the parent.
      case 'update':
      case 'patch': {
        if (api.subresource !== undefined) return onCurrent();
        const bytes = await bodyBytes();
        const type = headers['content-type'];
        // Parsed before the read: a body the proxy cannot read is refused without a round trip.
        // An update carries the object; an apply (YAML or JSON) carries an object too.
        const patchType = api.verb === 'patch' ? patchTypeOf(type) : undefined;
        const sent =
          patchType === undefined ? objectBody(type, bytes) : patchBody(patchType, bytes);
        const current = await readCurrent(next, exchange, api, deps.maxFrameBytes);
        if (current.kind === 'unread') return current.response;
        if (current.kind === 'found') {
          await check(current.object);
          // The labels it leaves decide too: a write must not hand an object to another subset.
          const labels =
            patchType === undefined
              ? ((sent as KubeObject).metadata?.labels ?? {})
              : patchedLabels(patchType, current.object, sent);
          if (labels === undefined) {
            // Sent on unchecked, it could relabel the object; the apiserver would refuse most.
            throw new BadRequestError(
              `ctrlmesh-proxy decides a patch on the labels it leaves and cannot tell them for this ${patchType} patch of ${api.resource} "${api.name}": a JSON patch must apply to the object as it is now, and a strategic merge patch may use only $patch and $retainKeys on metadata and its labels`,
            );
          }
          await check({ ...current.object, metadata: { ...current.object.metadata, labels } });
        } else if (patchType === undefined || patchType === 'apply') {
          // A PUT creates where the resource allows it (Leases, Endpoints) and server-side apply
          // creates a missing object: decided as a create. Other patches get the apiserver's 404.
          await check(sent as KubeObject);
        }
        return withBody(bytes);
      }
      case 'get': {
        if (api.subresource !== undefined && api.subresource !== 'status') return onCurrent();
        const response = await next({
          ...exchange,
          request: { ...exchange.request, headers: filterableRequestHeaders(headers) },
        });
        if (response.status !== 200 || response.body === null) return response;
        const bytes = await readResponseBody(response.body, deps.maxFrameBytes);
        await check(parseObject(bytes));
        return buffered(response, bytes);
      }
      default:
        return onCurrent();
    }
  };
