/** What the sample reconciles and the one change it makes. */

/** Label that selects the ConfigMaps the controller owns, with the configured watch value. */
export const WATCH_LABEL = 'e2e.ctrlmesh.io/watch';

/**
 * The list/watch label selector for `watchValue` (a label value, checked by the config), so
 * ConfigMaps labelled for another run of a controller are never sent to this one.
 */
export function watchSelector(watchValue: string): string {
  return `${WATCH_LABEL}=${watchValue}`;
}
/** Annotation recording `<pod>@<version>` of the replica that reconciled the object. */
export const RECONCILED_BY = 'e2e.ctrlmesh.io/reconciled-by';

/** The parts of a ConfigMap reconciling reads. */
export interface ObjectMetaLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** A merge patch (RFC 7386) that sets only the reconciled-by annotation. */
export interface StampPatch {
  metadata: { annotations: Record<string, string> };
}

/** Who stamps, and which ConfigMaps are theirs to stamp. */
export interface Stamper {
  /** `<pod>@<version>`, the reconciled-by value. */
  stamp: string;
  /** The watch label value of the ConfigMaps this controller owns. */
  watchValue: string;
}

/**
 * The merge patch that stamps `object`, or undefined when there is nothing to do: the object is
 * not labelled with our watch value (a stale cache entry) or already carries this stamp, so our
 * own update event does not cause another write.
 */
export function stampPatch(
  object: ObjectMetaLike,
  { stamp, watchValue }: Stamper,
): StampPatch | undefined {
  const metadata = object.metadata ?? {};
  if (metadata.labels?.[WATCH_LABEL] !== watchValue) return undefined;
  if (metadata.annotations?.[RECONCILED_BY] === stamp) return undefined;
  return { metadata: { annotations: { [RECONCILED_BY]: stamp } } };
}
