import { rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The service-account files a controller's in-cluster config reads besides `ca.crt`. */
export const LINKED_FILES = ['token', 'namespace'] as const;

/**
 * Makes `dir` (where the proxy wrote its CA as `ca.crt`) a whole service-account folder for the
 * controller: `token` and `namespace` become symbolic links to the same files in `from` (the
 * pod's projected token volume, mounted at the same path in the controller's container). A link,
 * not a copy: kubelet rotates the token in `from`, and the controller reads the new one. Each link
 * is replaced atomically (made aside, then renamed), so a restarted proxy never leaves it missing.
 */
export const linkServiceAccount = async (dir: string, from: string): Promise<void> => {
  for (const name of LINKED_FILES) {
    const target = join(dir, name);
    const aside = `${target}.tmp-${process.pid}`;
    await rm(aside, { force: true });
    await symlink(join(from, name), aside);
    await rename(aside, target);
  }
};
