import { queryBool } from '@ctrlmesh/route-engine';
import { isReadableByApiserver, type QueryString, readParameter } from './query-string.js';

/**
 * The `metav1.ListOptions` of a list or watch as the apiserver decodes them from the query: each
 * value the first of its key (Go's `url.ParseQuery` rules), bools converted as the apiserver does
 * (`queryBool`: `watch=True` and `watch=` are watches), absent strings empty.
 */
export interface ListOptions {
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  /** Absent (`undefined`) differs from `false`: the apiserver then picks by resourceVersion. */
  readonly sendInitialEvents: boolean | undefined;
  readonly resourceVersion: string;
  readonly resourceVersionMatch: string;
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly continue: string;
}

/**
 * Reads the list options of a parsed query as the apiserver does. A query the apiserver cannot read
 * at all (more than `MAX_QUERY_PARAMETERS` parameters) has the default options, as there.
 */
export const readListOptions = (query: QueryString): ListOptions => {
  const read = isReadableByApiserver(query)
    ? (key: string) => readParameter(query, key)
    : () => undefined;
  const sendInitialEvents = read('sendInitialEvents');
  return {
    watch: queryBool(read('watch')),
    allowWatchBookmarks: queryBool(read('allowWatchBookmarks')),
    sendInitialEvents: sendInitialEvents === undefined ? undefined : queryBool(sendInitialEvents),
    resourceVersion: read('resourceVersion') ?? '',
    resourceVersionMatch: read('resourceVersionMatch') ?? '',
    labelSelector: read('labelSelector') ?? '',
    fieldSelector: read('fieldSelector') ?? '',
    continue: read('continue') ?? '',
  };
};
