import { rename, writeFile } from 'node:fs/promises';
import type { ParseResult, VirtualApp } from '@ctrlmesh/route-engine';
import { type ReadVirtualAppOptions, readVirtualAppFile } from './virtual-app-file.js';

/**
 * Writes the last known VirtualApp atomically: a temporary file beside the target, then a rename,
 * so a crash leaves the old or the new file, never half of one. (The original appended to the file
 * and then failed to reload it: reference §10.2 item 8.)
 */
export const persistRoutes = async (file: string, app: VirtualApp): Promise<void> => {
  const tmp = `${file}.tmp-${process.pid}`;
  // Compact JSON: indented, it came out ~1.7 times the size of the same VirtualApp as YAML, and a
  // state file must fit the same size limit as the VirtualApp file it was loaded from.
  await writeFile(tmp, `${JSON.stringify(app)}\n`, { mode: 0o600 });
  await rename(tmp, file);
};

/** Reloads persisted routes (refusing a file over the size limit); `undefined` when nothing was persisted yet. */
export const loadPersistedRoutes = async (
  file: string,
  options: ReadVirtualAppOptions = {},
): Promise<ParseResult<VirtualApp> | undefined> => {
  const result = await readVirtualAppFile(file, options);
  if (!result.ok && result.problems.some((p) => p.message.includes('ENOENT'))) return undefined;
  return result;
};
