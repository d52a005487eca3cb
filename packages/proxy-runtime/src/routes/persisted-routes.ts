import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { type ParseResult, parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { DEFAULT_MAX_ROUTES_FILE_BYTES } from '../config.js';
import type { RouteSnapshot, SnapshotRevision, SnapshotRevisions } from './route-snapshot.js';
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

/** The kind of a persisted routing state, told apart from a persisted VirtualApp by it. */
const STATE_KIND = 'RoutingState';

/**
 * Writes what a snapshot enforces for the next start, atomically: the VirtualApp of a file, or,
 * for published revisions, both revisions (name and VirtualApp) and the phase, so a restarted
 * proxy enforces the very state it left, even with the apiserver away.
 */
export const persistSnapshot = async (file: string, snapshot: RouteSnapshot): Promise<void> => {
  const { phase, current, previous } = snapshot.revisions;
  if (current.name === undefined) return persistRoutes(file, snapshot.app);
  const tmp = `${file}.tmp-${process.pid}`;
  const state = {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: STATE_KIND,
    phase,
    current: { name: current.name, app: current.app },
    ...(previous?.name === undefined
      ? {}
      : { previous: { name: previous.name, app: previous.app } }),
  };
  await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(tmp, file);
};

const revisionOf = (
  value: unknown,
  path: string,
): ParseResult<SnapshotRevision & { readonly name: string }> => {
  const entry = value as { name?: unknown; app?: unknown } | undefined;
  if (typeof entry?.name !== 'string' || entry.name === '')
    return { ok: false, problems: [{ path: `${path}.name`, message: 'must name the revision' }] };
  const app = parseVirtualApp(entry.app);
  if (!app.ok)
    return {
      ok: false,
      problems: app.problems.map((p) => ({ ...p, path: `${path}.app.${p.path}` })),
    };
  return { ok: true, value: { name: entry.name, app: app.value } };
};

/**
 * Reloads a routing state written by {@link persistSnapshot} (refusing a file over the size
 * limit, or one holding a plain VirtualApp); `undefined` when nothing was persisted yet.
 */
export const loadPersistedState = async (
  file: string,
  options: ReadVirtualAppOptions = {},
): Promise<ParseResult<SnapshotRevisions> | undefined> => {
  const limit = options.maxBytes ?? DEFAULT_MAX_ROUTES_FILE_BYTES;
  const refused = (message: string): ParseResult<SnapshotRevisions> => ({
    ok: false,
    problems: [{ path: file, message }],
  });
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > limit) return refused(`too large: ${size} bytes, more than ${limit} bytes`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    return refused(`cannot read: ${(error as Error).message}`);
  }
  let document: { kind?: unknown; phase?: unknown; current?: unknown; previous?: unknown };
  try {
    document = JSON.parse(text) as typeof document;
  } catch (error) {
    return refused(`not JSON: ${(error as Error).message}`);
  }
  if (document?.kind !== STATE_KIND)
    return refused(`not a persisted routing state (kind ${JSON.stringify(document?.kind)})`);
  if (document.phase !== 'Revoking' && document.phase !== 'Settled')
    return refused(`phase must be Revoking or Settled, not ${JSON.stringify(document.phase)}`);
  const current = revisionOf(document.current, 'current');
  const previous =
    document.previous === undefined ? undefined : revisionOf(document.previous, 'previous');
  const problems = [
    ...(current.ok ? [] : current.problems),
    ...(previous === undefined || previous.ok ? [] : previous.problems),
  ];
  if (!current.ok || (previous !== undefined && !previous.ok)) return { ok: false, problems };
  return {
    ok: true,
    value: {
      phase: document.phase,
      current: current.value,
      ...(previous === undefined ? {} : { previous: previous.value }),
    },
  };
};
