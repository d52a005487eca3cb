import type { NonResourceRequest, ResourceRequest } from '@ctrlmesh/route-engine';
import type { Stage } from '../pipeline/stage.js';
import { BadRequestError } from '../status/proxy-error.js';
import type { Pinned } from './pin-routes.js';

/** An exchange whose path has been read as Kubernetes' request info reads it. */
export type Classified = Pinned & {
  readonly api: ResourceRequest | NonResourceRequest;
  readonly userAgent: string;
};

/**
 * Takes the request's classification, read once when it arrived (`request.info`, route-engine's
 * `parseApiPath`: verb, group, resource, namespace, name, subresource). A path the apiserver might
 * read differently from us (bad escapes, `..`) is refused with 400 rather than guessed at: a guess
 * that differs from the apiserver's is a way around the rules.
 */
export const classifyRequest = (): Stage<Pinned, Classified> => (next) => async (exchange) => {
  const { request } = exchange;
  const { api } = request.info;
  if (api.kind === 'invalid')
    throw new BadRequestError(`ctrlmesh-proxy refuses the path: ${api.reason}`);
  if (api.kind === 'resource') {
    exchange.report.verb = api.verb;
    exchange.report.resource = api.group === '' ? api.resource : `${api.resource}.${api.group}`;
  } else {
    exchange.report.resource = 'nonresource';
  }
  return next({ ...exchange, api, userAgent: String(request.headers['user-agent'] ?? '') });
};
