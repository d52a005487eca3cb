import type { KubeObject } from './kube-object.js';

/** One row of a Table: its object is PartialObjectMetadata, the full object, or absent. */
export interface KubeTableRow {
  readonly object?: KubeObject | null;
}

/**
 * A `meta.k8s.io` Table (what `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` returns, as
 * kubectl asks), as far as the filters read it: its own metadata is a ListMeta, which names no
 * object; what each row is about is in `rows[].object`.
 */
export interface KubeTable extends KubeObject {
  /** Sent once per watch, on its first event; later events carry none (the apiserver saves bytes). */
  readonly columnDefinitions?: readonly unknown[] | null;
  readonly rows?: readonly KubeTableRow[] | null;
}

/** True for a `meta.k8s.io/v1` or `v1beta1` Table (kubectl still offers both). */
export const isTable = (object: KubeObject): object is KubeTable =>
  object.kind === 'Table' && (object.apiVersion ?? '').startsWith('meta.k8s.io/');

/**
 * The object a watch event is about: the event's object itself or, for a Table, the object of its
 * only row (the apiserver converts each event's object into a one-row Table). Undefined when a
 * Table does not name one: no row, several rows, or rows without their object
 * (`includeObject=None`), or a Table read from protobuf, whose rows the codec does not read. The
 * caller must then treat the event as not visible: the Table's own metadata decides nothing.
 */
export const subjectOf = (object: KubeObject): KubeObject | undefined => {
  if (!isTable(object)) return object;
  const rows = object.rows ?? [];
  if (rows.length !== 1) return undefined;
  const row = rows[0]?.object;
  return row?.metadata === undefined ? undefined : row;
};

/** True when a Table carries its column definitions. */
export const hasColumns = (table: KubeTable): boolean => (table.columnDefinitions ?? []).length > 0;

/**
 * A BOOKMARK for a Table watch: a Table again (the client decodes Tables, and the apiserver's own
 * bookmarks are Tables too), with only the resourceVersion of `position` and no row.
 */
export const tableBookmark = (table: KubeTable, position: KubeObject): KubeTable => ({
  ...(table.kind === undefined ? {} : { kind: table.kind }),
  ...(table.apiVersion === undefined ? {} : { apiVersion: table.apiVersion }),
  metadata: { resourceVersion: position.metadata?.resourceVersion ?? '' },
  columnDefinitions: null,
  rows: [],
});

const TABLE_PARAMETER = /;\s*as\s*=\s*"?Table"?\s*(;|$)/i;

/** True when an Accept header offers a Table (`application/json;as=Table;g=meta.k8s.io;v=v1`). */
export const acceptsTable = (accept: string | string[] | undefined): boolean =>
  String(accept ?? '')
    .split(',')
    .some((entry) => TABLE_PARAMETER.test(entry));
