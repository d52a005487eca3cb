import { type CompiledRoutes, compileRoutes, type VirtualApp } from '@ctrlmesh/route-engine';
import type { CliIo } from './cli-io.js';
import { formatProblem, readObjects } from './documents.js';
import { InputError } from './input-error.js';
import { checkVirtualAppObject } from './virtual-app-object.js';

/** The one VirtualApp a command works on (`-f FILE`), compiled. */
export interface LoadedVirtualApp {
  readonly file: string;
  readonly app: VirtualApp;
  readonly routes: CompiledRoutes;
}

/**
 * Reads the file of `-f`: it must hold exactly one valid VirtualApp. Notes (an original
 * apiVersion) go to stderr; anything else throws an {@link InputError} listing every problem.
 */
export const loadVirtualApp = (io: CliIo, file: string): LoadedVirtualApp => {
  const contents = readObjects(io, file);
  const checked = contents.objects.map((source) => checkVirtualAppObject(source));
  const problems = [...contents.problems, ...checked.flatMap((c) => c.problems)];
  if (problems.length > 0) {
    throw new InputError(
      `${file} is not a valid VirtualApp (\`ctrlmesh validate ${file}\` lists the same):\n${problems.map(formatProblem).join('\n')}`,
    );
  }
  if (checked.length !== 1) {
    throw new InputError(`${file}: expected exactly one VirtualApp, found ${checked.length}`);
  }
  const [only] = checked;
  for (const note of only?.notes ?? []) io.err(`note: ${formatProblem(note)}\n`);
  const app = only?.app as VirtualApp;
  return { file, app, routes: compileRoutes(app) };
};
