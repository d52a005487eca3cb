/**
 * One direction of the lock-name mapping: requests rename `lock` to `lock---subset`, responses
 * rename it back. Only exact names are renamed, never names that merely contain `from`.
 */
export interface Rename {
  readonly from: string;
  readonly to: string;
}

/** The same mapping in the other direction. */
export const reverseRename = (rename: Rename): Rename => ({ from: rename.to, to: rename.from });

/**
 * Renames the object name where an apiserver message quotes it, e.g.
 * `leases.coordination.k8s.io "lock---a" not found` (the form of `apierrors.NewNotFound`,
 * `NewAlreadyExists` and `NewConflict`). Unquoted text is left alone: it may mention a longer name.
 */
export const renameQuoted = (message: string, rename: Rename): string =>
  message.split(`"${rename.from}"`).join(`"${rename.to}"`);
