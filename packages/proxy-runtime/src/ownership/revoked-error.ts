import { handoverNames, type RouteSnapshot } from '../routes/route-snapshot.js';
import { RevokedError, type Subject } from '../status/proxy-error.js';

/** The 403 for a target `snapshot` revokes, naming the revisions it is handed over between. */
export const revokedError = (snapshot: RouteSnapshot, subject: Subject): RevokedError => {
  const { previous, current } = handoverNames(snapshot);
  return new RevokedError(subject, previous, current);
};
