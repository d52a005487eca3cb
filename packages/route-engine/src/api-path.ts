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

/**
 * Classifies a request as Kubernetes' `RequestInfoFactory` does: verb from the method (and
 * `watch` on a collection when the `watch` parameter is set and not `0`/`false`, or the legacy
 * `/watch/` prefix), group, version, namespace, resource, name, subresource.
 */
export const parseApiPath = (method: string, url: string): ApiRequest => ({
  kind: 'invalid',
  path: url,
  reason: `not implemented yet (${method})`,
});

/** Builds the path and query of a resource request; `parseApiPath` of it gives `req` back. */
export const formatApiPath = (req: ResourceRequest): string => {
  void req;
  return '';
};

/** The HTTP method that {@link parseApiPath} maps to `verb` (`unknown` has none). */
export const methodForVerb = (verb: ApiVerb): string | undefined => {
  void verb;
  return undefined;
};
