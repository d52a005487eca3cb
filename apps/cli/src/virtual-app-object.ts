import { parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { type FileProblem, joinPath, type SourceObject } from './documents.js';

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

const fieldOf = (value: unknown, field: string): unknown =>
  typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[field]
    : undefined;

/** Locates a route-engine problem path in the object's file. */
const located = (source: SourceObject, path: string, message: string): FileProblem => ({
  file: source.file,
  document: source.document,
  line: source.lineOf(path),
  path: joinPath(source.pathPrefix, path),
  message,
});

/**
 * Checks one object of a file as a VirtualApp with route-engine's `parseVirtualApp` (every
 * problem at once, each with its path); any other kind is a problem of its own.
 */
export const checkVirtualAppObject = (source: SourceObject): CheckedVirtualApp => {
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
          `kind ${JSON.stringify(kind ?? null)} is not something ctrlmesh checks (VirtualApp is)`,
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
