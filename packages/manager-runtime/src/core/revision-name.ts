import { createHash } from 'node:crypto';
import { canonicalJson } from '@ctrlmesh/route-engine';

/** How many hex digits of the spec's SHA-256 name a revision (decision 0005). */
export const REVISION_HASH_LENGTH = 10;

/**
 * The ControllerRevision name of a spec: `<vapp>-<first 10 hex digits of the SHA-256 of the
 * spec's canonical JSON>`. Equal specs give equal names, so a rollback by spec edit finds the old
 * revision. Hashing is a pure computation: the core still does no I/O.
 */
export const revisionName = (virtualApp: string, spec: unknown): string =>
  `${virtualApp}-${createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, REVISION_HASH_LENGTH)}`;
