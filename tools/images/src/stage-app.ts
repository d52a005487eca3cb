import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run.js';
import { workspaceClosure } from './workspace-closure.js';

/**
 * Lays out `/app` for an image in `stageDir`: each workspace package of the app packed as npm
 * would publish it (`npm pack`: only `dist` and the manifest), installed with its production
 * dependencies from the registry, as a user's `npm install` would. The workspace packages are
 * pinned to the packed tarballs with `overrides`, so nothing of ours comes from the registry.
 * Returns the app's package name.
 */
export const stageApp = async (root: string, appDir: string, stageDir: string): Promise<string> => {
  await rm(stageDir, { recursive: true, force: true });
  const tarballs = path.join(stageDir, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  const closure = workspaceClosure(root, appDir);
  const files: Record<string, string> = {};
  for (const pkg of closure) {
    const packed = JSON.parse(
      await run('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: pkg.dir }),
    ) as { filename: string }[];
    files[pkg.manifest.name] = `file:./tarballs/${packed[0]?.filename}`;
  }
  const app = closure[0]?.manifest.name ?? appDir;
  await writeFile(
    path.join(stageDir, 'package.json'),
    `${JSON.stringify({ name: 'ctrlmesh-image', private: true, type: 'module', dependencies: { [app]: files[app] }, overrides: files }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--omit=optional',
      '--omit=peer',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--install-links',
    ],
    { cwd: stageDir },
  );
  await rm(tarballs, { recursive: true });
  return app;
};
