import { DEFAULT_SUBSET } from '@ctrlmesh/route-engine';
import type { RouteSnapshot } from '../routes/route-snapshot.js';

/**
 * Whether a user agent sees nothing through this pod: it is default-only (DESIGN §4.6) and the
 * pod is not in the default subset. While `Revoking`, default-only in either revision counts: the
 * agent sees at most what both revisions let it see.
 */
export const blindUserAgent = (snapshot: RouteSnapshot, userAgent: string): boolean => {
  if (snapshot.subset === DEFAULT_SUBSET) return false;
  const { previous } = snapshot.state;
  return (
    snapshot.routes.defaultOnlyUserAgents.has(userAgent) ||
    (snapshot.state.phase === 'Revoking' &&
      previous !== undefined &&
      previous.defaultOnlyUserAgents.has(userAgent))
  );
};
