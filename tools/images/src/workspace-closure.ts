import { readFileSync } from 'node:fs';
import path from 'node:path';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

/** A workspace package: its folder and its package.json. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: PackageJson;
}

const read = (dir: string): PackageJson =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;

/**
 * The app at `appDir` and every workspace package it depends on, directly or not, found by
 * name in `packages/` (the runtimes and pure packages; apps depend on nothing else of ours).
 */
export const workspaceClosure = (root: string, appDir: string): WorkspacePackage[] => {
  const found = new Map<string, WorkspacePackage>();
  const visit = (dir: string) => {
    const manifest = read(dir);
    if (found.has(manifest.name)) return;
    found.set(manifest.name, { dir, manifest });
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith('@ctrlmesh/'))
        visit(path.join(root, 'packages', name.slice('@ctrlmesh/'.length)));
    }
  };
  visit(path.join(root, appDir));
  return [...found.values()];
};
