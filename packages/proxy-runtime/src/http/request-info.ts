import {
  type ListOptions,
  parseQueryString,
  type QueryString,
  readListOptions,
  readParameter,
} from '@ctrlmesh/list-option-injector';
import { type ApiRequest, parseApiPath, queryBool } from '@ctrlmesh/route-engine';

/**
 * What the apiserver reads from a request line: the request info (verb, group, resource, namespace,
 * name, subresource), the list options and whether it is long-running. Read once, by
 * {@link readRequestInfo}, when the request arrives, and carried with it: no stage, nor the server,
 * reads the path or query for these facts again, so two readers cannot disagree (issue 13).
 */
export interface RequestInfo {
  /** route-engine's `parseApiPath`: refused with 400 by `classifyRequest` when `invalid`. */
  readonly api: ApiRequest;
  /** The verb metrics name it by: the API verb of a resource request, else the lower-case method. */
  readonly verb: string;
  /** The query, each parameter with what Go's `url.ParseQuery` reads from it (`readParameter`). */
  readonly query: QueryString;
  /** The list options as the client sent them (before the proxy injects its selectors). */
  readonly listOptions: ListOptions;
  /**
   * The response may stay open indefinitely (watches, exec, `log?follow`): it goes over the
   * long-running pool with no body timeout, and is drained, not cut, at shutdown.
   */
  readonly longRunning: boolean;
}

// The apiserver's long-running subresources (`BasicLongRunningRequestCheck` in kube-apiserver),
// but `log`, which is long-running here only when it follows: a plain log read is a short request.
const STREAMING_SUBRESOURCES: ReadonlySet<string> = new Set([
  'exec',
  'attach',
  'portforward',
  'proxy',
]);

/**
 * Reads a request as the apiserver does: path and verb with route-engine's `parseApiPath`, the
 * query with list-option-injector's Go-faithful reader and route-engine's `queryBool`. Long-running
 * as the apiserver's own check has it: the verbs `watch` and `proxy`, and the streaming
 * subresources, on a resource request only (`/api/v1/namespaces/watch/configmaps` is no watch, nor
 * is a named GET with `?watch=true`, which the apiserver serves as a get).
 */
export const readRequestInfo = (method: string, path: string, query: string): RequestInfo => {
  const api = parseApiPath(method, query === '' ? path : `${path}?${query}`);
  const parsed = parseQueryString(query);
  const listOptions = readListOptions(parsed);
  if (api.kind !== 'resource') {
    return { api, verb: method.toLowerCase(), query: parsed, listOptions, longRunning: false };
  }
  const { verb, subresource } = api;
  const longRunning =
    verb === 'watch' ||
    verb === 'proxy' ||
    (subresource !== undefined && STREAMING_SUBRESOURCES.has(subresource)) ||
    (subresource === 'log' && queryBool(readParameter(parsed, 'follow')));
  return { api, verb, query: parsed, listOptions, longRunning };
};
