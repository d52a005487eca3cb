import { queryBool } from './query-bool.js';

/** Verbs as Kubernetes' request info names them; `unknown` for methods it gives no verb (OPTIONS). */
export type ApiVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'proxy'
  | 'unknown';

/** A request for an API resource: `/api/v1/namespaces/ns/pods/name/log?follow=true`. */
export interface ResourceRequest {
  readonly kind: 'resource';
  readonly verb: ApiVerb;
  /** `""` for the core group (`/api/v1`). */
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  /**
   * The namespace in the path. Absent means the path names none: a cluster-scoped resource or a
   * list/watch across all namespaces (only discovery can tell which). For
   * `/api/v1/namespaces/x` it is `x`: a Namespace lives in itself.
   */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  /** Segments after the subresource (`pods/x/proxy/a/b` has `['a', 'b']`), decoded. */
  readonly extraPath?: readonly string[] | undefined;
  /** The raw query, without `?`, exactly as received. */
  readonly query: string;
}

/** Anything else: discovery (`/api`, `/apis/g/v`), `/version`, `/healthz`, `/openapi/v3`. */
export interface NonResourceRequest {
  readonly kind: 'nonResource';
  readonly path: string;
  readonly query: string;
}

/**
 * A path the apiserver would not read the way a naive parser does: bad percent-encoding, `.`
 * or `..` segments, empty segments, or a `/` hidden as `%2F` in a resource path. The proxy
 * must refuse it rather than guess (a guess that differs from the apiserver's is a way around
 * the rules).
 */
export interface InvalidRequest {
  readonly kind: 'invalid';
  readonly path: string;
  readonly reason: string;
}

/** The result of {@link parseApiPath}. */
export type ApiRequest = ResourceRequest | NonResourceRequest | InvalidRequest;

const METHOD_VERBS: Readonly<Record<string, ApiVerb>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

// Verbs Kubernetes reads from the path rather than the method: `/api/v1/watch/pods`.
const SPECIAL_VERBS: ReadonlySet<string> = new Set(['watch', 'proxy']);

// `/namespaces/{name}/status` and `/finalize` are subresources of the Namespace itself.
const NAMESPACE_SUBRESOURCES: ReadonlySet<string> = new Set(['status', 'finalize']);

/**
 * The first value of `key` as Go's `url.ParseQuery` reads it: pairs split on `&`, pairs with a
 * `;` or a bad escape discarded, `+` is a space.
 */
const firstQueryValue = (query: string, key: string): string | undefined => {
  for (const pair of query.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const equals = pair.indexOf('=');
    const rawKey = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    const decodedKey = unescapeQuery(rawKey);
    const decodedValue = unescapeQuery(rawValue);
    if (decodedKey === key && decodedValue !== undefined) return decodedValue;
  }
  return undefined;
};

const unescapeQuery = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
};

/** metav1's bool conversion of the `watch` parameter ({@link queryBool}). */
const isWatchQuery = (query: string): boolean => queryBool(firstQueryValue(query, 'watch'));

const isBadSegment = (part: string): boolean => part === '' || part === '.' || part === '..';

// `path` without its leading and trailing slashes; one leading slash and none trailing is usual.
const trimSlashes = (path: string): string => {
  let start = 0;
  while (path[start] === '/') start += 1;
  let end = path.length;
  while (end > start && path[end - 1] === '/') end -= 1;
  return path.slice(start, end);
};

const invalid = (path: string, reason: string): InvalidRequest => ({
  kind: 'invalid',
  path,
  reason,
});

/**
 * Classifies a request as Kubernetes' `RequestInfoFactory` does: verb from the method (and
 * `watch` on a collection when the `watch` parameter is set and not `0`/`false`, or the legacy
 * `/watch/` prefix), group, version, namespace, resource, name, subresource. Like Go's
 * `URL.Path`, the whole path is percent-decoded before it is split, so `a%2Fb` is two segments
 * exactly as the apiserver sees it. Unlike Kubernetes, a `fieldSelector=metadata.name=x` on a
 * list does not set `name`: the request stays a list.
 */
export const parseApiPath = (method: string, url: string): ApiRequest => {
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  const query = mark < 0 ? '' : url.slice(mark + 1);
  if (!rawPath.startsWith('/')) return invalid(rawPath, 'the path must start with "/"');
  let path = rawPath;
  // Most paths have no escapes: spare them the decoder (this runs on every request of the proxy).
  if (rawPath.includes('%')) {
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return invalid(rawPath, 'the path has an invalid percent-encoding');
    }
  }
  const trimmed = trimSlashes(path);
  let parts = trimmed.split('/');
  if (trimmed !== '' && parts.some(isBadSegment)) {
    return invalid(rawPath, 'the path has empty, "." or ".." segments');
  }
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) {
    return { kind: 'nonResource', path: rawPath, query };
  }
  let group = '';
  parts = parts.slice(1);
  if (trimmed.startsWith('apis/')) {
    if (parts.length < 3) return { kind: 'nonResource', path: rawPath, query };
    group = parts[0]!;
    parts = parts.slice(1);
  }
  const version = parts[0]!;
  parts = parts.slice(1);
  let verb: ApiVerb;
  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) return invalid(rawPath, `nothing follows "/${parts[0]}/"`);
    verb = parts[0] as ApiVerb;
    parts = parts.slice(1);
  } else {
    verb = METHOD_VERBS[method] ?? 'unknown';
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    // `/namespaces/x` is the Namespace x, living in itself; `/namespaces/x/pods` is in x.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const [resource, name] = parts as [string, string | undefined];
  // The legacy proxy verb has no subresource: everything after the name is its path.
  const hasSubresource = parts.length >= 3 && verb !== 'proxy';
  const subresource = hasSubresource ? parts[2] : undefined;
  const extraPath = parts.slice(hasSubresource ? 3 : 2);
  if (name === undefined && verb === 'get') verb = isWatchQuery(query) ? 'watch' : 'list';
  if (name === undefined && verb === 'delete') verb = 'deletecollection';
  return {
    kind: 'resource',
    verb,
    group,
    version,
    resource,
    ...(subresource === undefined ? {} : { subresource }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    ...(extraPath.length === 0 ? {} : { extraPath }),
    query,
  };
};

const VERB_METHODS: Readonly<Record<ApiVerb, string | undefined>> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  proxy: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
  unknown: undefined,
};

/** The HTTP method that {@link parseApiPath} maps to `verb` (`unknown` has none). */
export const methodForVerb = (verb: ApiVerb): string | undefined => VERB_METHODS[verb];

/**
 * Builds the path and query of a resource request; `parseApiPath` of it gives `req` back.
 * A watch uses the `watch` query parameter when it has one and names no object, else the legacy
 * `/watch/` prefix. Requests that Kubernetes cannot address (a namespaced resource named
 * `status` or `finalize`) have no faithful path.
 */
export const formatApiPath = (req: ResourceRequest): string => {
  const segments = req.group === '' ? ['api', req.version] : ['apis', req.group, req.version];
  if (req.verb === 'proxy') segments.push('proxy');
  // The query form reads more naturally, but only a collection can use it, and a cluster-wide
  // resource named like a special verb would be taken for that verb without the prefix.
  const watchByQuery =
    req.name === undefined &&
    isWatchQuery(req.query) &&
    (req.namespace !== undefined || !SPECIAL_VERBS.has(req.resource));
  if (req.verb === 'watch' && !watchByQuery) segments.push('watch');
  const namespaceItself =
    req.namespace !== undefined &&
    req.resource === 'namespaces' &&
    req.name === req.namespace &&
    (req.subresource === undefined || NAMESPACE_SUBRESOURCES.has(req.subresource));
  if (req.namespace !== undefined) segments.push('namespaces', req.namespace);
  if (!namespaceItself) {
    segments.push(req.resource);
    if (req.name !== undefined) segments.push(req.name);
  }
  if (req.subresource !== undefined) segments.push(req.subresource);
  segments.push(...(req.extraPath ?? []));
  const path = `/${segments.map(encodeURIComponent).join('/')}`;
  return req.query === '' ? path : `${path}?${req.query}`;
};
