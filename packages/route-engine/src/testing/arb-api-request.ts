import fc from 'fast-check';
import type { ApiVerb, ResourceRequest } from '../api-path.js';

// Names are DNS-ish plus characters that need percent-encoding, but never `/`: Kubernetes (and
// Go's URL.Path) would read an encoded `/` as a separator, so such names have no faithful path.
const arbName = () =>
  fc.oneof(
    fc.constantFrom('a', 'pod-1', 'my ns', 'ünï', 'x%y', 'q?r', 'h#s', 'status', 'watch'),
    fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,10}[a-z0-9])?$/),
  );
// `status` and `finalize` as a resource inside a namespace cannot be addressed in Kubernetes.
const arbResource = () =>
  fc.constantFrom('pods', 'deployments', 'namespaces', 'configmaps', 'leases', 'nodes');
const arbQuery = () =>
  fc.constantFrom(
    '',
    'labelSelector=a%3Db',
    'limit=10&continue=x',
    'fieldSelector=metadata.name%3Dx',
  );

/**
 * Resource requests that some path addresses: verbs consistent with the presence of a name,
 * Namespaces living in themselves, and (for watches) the `watch` parameter or the `/watch/` prefix.
 */
export const arbResourceRequest = (): fc.Arbitrary<ResourceRequest> =>
  fc
    .record({
      group: fc.constantFrom('', 'apps', 'coordination.k8s.io'),
      version: fc.constantFrom('v1', 'v1beta1'),
      resource: arbResource(),
      namespace: fc.option(arbName(), { nil: undefined }),
      name: fc.option(arbName(), { nil: undefined }),
      subresource: fc.option(fc.constantFrom('status', 'scale', 'log', 'eviction'), {
        nil: undefined,
      }),
      verb: fc.constantFrom<ApiVerb>('get', 'watch', 'create', 'update', 'patch', 'delete'),
      query: arbQuery(),
      watchByQuery: fc.boolean(),
    })
    .map(
      ({ group, version, resource, namespace, name, subresource, verb, query, watchByQuery }) => {
        // A Namespace addressed by name always lives in itself.
        const ns = resource === 'namespaces' && name !== undefined ? name : namespace;
        const sub = name === undefined ? undefined : subresource;
        const collectionVerb: ApiVerb =
          verb === 'get' ? 'list' : verb === 'delete' ? 'deletecollection' : verb;
        const finalVerb = name === undefined ? collectionVerb : verb;
        const finalQuery =
          finalVerb === 'watch' && name === undefined && watchByQuery
            ? `${query}${query === '' ? '' : '&'}watch=true`
            : query;
        return {
          kind: 'resource' as const,
          verb: finalVerb,
          group,
          version,
          resource,
          ...(sub === undefined ? {} : { subresource: sub }),
          ...(ns === undefined ? {} : { namespace: ns }),
          ...(name === undefined ? {} : { name }),
          query: finalQuery,
        };
      },
    );
