/** An object of a manifest, checked to have what applying it needs: apiVersion, kind, name. */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
  readonly [field: string]: unknown;
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, core `v1` -> `""`. */
export const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';

/**
 * How kubectl names an object in what it reports: the lower-case kind, its group when not core,
 * and the name (`deployment.apps/ctrlmesh-manager`, `namespace/ctrlmesh-system`).
 */
export const objectId = (
  object: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>,
): string => {
  const group = groupOf(object.apiVersion);
  return `${object.kind.toLowerCase()}${group === '' ? '' : `.${group}`}/${object.metadata.name}`;
};

/** `kind namespace/name` or `kind name`, for progress and readiness messages. */
export const objectLabel = (
  object: Pick<ManifestObject, 'kind' | 'metadata'>,
  namespace: string | undefined = object.metadata.namespace,
): string =>
  `${object.kind.toLowerCase()} ${namespace === undefined ? '' : `${namespace}/`}${object.metadata.name}`;
