/**
 * The separator between a lock name and the subset that owns the copy, as in the original
 * ControllerMesh (`election_handler.go`), so that locks written by either proxy keep their names.
 */
export const LOCK_NAME_SEPARATOR = '---';

/**
 * The name under which `subset` keeps its own copy of the lock `lockName`: `<lockName>---<subset>`.
 *
 * A name that already ends in `---<subset>` is returned unchanged, so a name is never suffixed twice
 * (the original's `LastReplace` turned `lock---a` into `lock---a---a`). A name that ends in another
 * subset's suffix is an ordinary name: `lock---v1` in subset `v2` becomes `lock---v1---v2`.
 */
export const subsetLockName = (lockName: string, subset: string): string =>
  lockName.endsWith(`${LOCK_NAME_SEPARATOR}${subset}`)
    ? lockName
    : `${lockName}${LOCK_NAME_SEPARATOR}${subset}`;
