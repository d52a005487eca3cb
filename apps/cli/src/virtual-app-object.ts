import { parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { type FileProblem, located, type SourceObject } from './documents.js';

/** The original project's API version, still accepted by the offline tools (DESIGN §3). */
export const ORIGINAL_API_VERSION = 'ctrlmesh.kruise.io/v1alpha1';

/** What to change in an original document; it is accepted as it is. */
export const ORIGINAL_NOTE = `${ORIGINAL_API_VERSION} is the original project's version, accepted as it is: change it to ctrlmesh.io/v1alpha1 (every field stays the same). Unlike the original, what no subset claims goes to the default subset instead of being denied`;

/** A VirtualApp checked in its file: the app, or its problems; notes either way. */
export interface CheckedVirtualApp {
  readonly source: SourceObject;
  readonly app?: VirtualApp | undefined;
  readonly problems: readonly FileProblem[];
  readonly notes: readonly FileProblem[];
}

/** A field of a parsed document, if it is an object. */
export const fieldOf = (value: unknown, field: string): unknown =>
  typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[field]
    : undefined;

const listOf = (kinds: readonly string[]): string =>
  kinds.length === 1
    ? `${kinds[0]} is`
    : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]} are`;

/**
 * Checks one object of a file as a VirtualApp with route-engine's `parseVirtualApp` (every
 * problem at once, each with its path); any other kind is a problem of its own, which names the
 * kinds the caller checks (`checkedKinds`, VirtualApp alone by default).
 */
export const checkVirtualAppObject = (
  source: SourceObject,
  checkedKinds: readonly string[] = ['VirtualApp'],
): CheckedVirtualApp => {
  const { value } = source;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      source,
      problems: [located(source, '', 'expected a Kubernetes object (apiVersion, kind, ...)')],
      notes: [],
    };
  }
  const kind = fieldOf(value, 'kind');
  if (kind !== 'VirtualApp') {
    return {
      source,
      problems: [
        located(
          source,
          'kind',
          `kind ${JSON.stringify(kind ?? null)} is not something ctrlmesh checks here (${listOf(checkedKinds)})`,
        ),
      ],
      notes: [],
    };
  }
  const notes =
    fieldOf(value, 'apiVersion') === ORIGINAL_API_VERSION
      ? [located(source, 'apiVersion', ORIGINAL_NOTE)]
      : [];
  const parsed = parseVirtualApp(value);
  return parsed.ok
    ? { source, app: parsed.value, problems: [], notes }
    : {
        source,
        problems: parsed.problems.map((problem) => located(source, problem.path, problem.message)),
        notes,
      };
};
