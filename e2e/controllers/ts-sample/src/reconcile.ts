/** What the sample reconciles and the one change it makes. */

/** Label that selects the ConfigMaps the controller owns. */
export const WATCH_LABEL = 'e2e.ctrlmesh.io/watch';
/** The list/watch label selector, so unlabelled ConfigMaps are never sent to the controller. */
export const WATCH_SELECTOR = `${WATCH_LABEL}=true`;
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

/**
 * The merge patch that stamps `object`, or undefined when there is nothing to do: the object is
 * not labelled (a stale cache entry) or already carries this stamp, so our own update event does
 * not cause another write.
 */
export function stampPatch(object: ObjectMetaLike, stamp: string): StampPatch | undefined {
  const metadata = object.metadata ?? {};
  if (metadata.labels?.[WATCH_LABEL] !== 'true') return undefined;
  if (metadata.annotations?.[RECONCILED_BY] === stamp) return undefined;
  return { metadata: { annotations: { [RECONCILED_BY]: stamp } } };
}
