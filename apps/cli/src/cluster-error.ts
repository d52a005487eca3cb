/**
 * The cluster could not give an answer: it cannot be reached, refuses the credentials, does not
 * allow the request, or has no such object. The command stops and exits with `EXIT.cluster`.
 */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(
    message: string,
    /** The HTTP status the apiserver answered with; absent when it could not be reached. */
    readonly status?: number,
  ) {
    super(message);
  }
}
