import { type Document, isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { CliIo } from './cli-io.js';
import { InputError } from './input-error.js';

/** One thing wrong in an input file, located as precisely as the file allows. */
export interface FileProblem {
  readonly file: string;
  /** 1-based index of the YAML document in the file; absent for the file as a whole. */
  readonly document?: number | undefined;
  /** 1-based line of the offending node, when known. */
  readonly line?: number | undefined;
  /** Where in the document (`spec.subsets[1].labels`); `""` for the document itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * One object of an input file: a document, or an item of a document that is a `List` (what
 * `kubectl get -o yaml` prints). `pathPrefix` is `items[3]` for such an item, else `""`.
 */
export interface SourceObject {
  readonly file: string;
  readonly document: number;
  readonly pathPrefix: string;
  readonly value: unknown;
  /** The line where `path` (relative to this object) starts, for problems. */
  lineOf(path: string): number | undefined;
}

/** The objects of a file and the documents that could not be parsed. */
export interface FileContents {
  readonly objects: readonly SourceObject[];
  readonly problems: readonly FileProblem[];
}

/** Joins an item prefix and a path: `items[2]` + `spec.x` is `items[2].spec.x`. */
export const joinPath = (prefix: string, path: string): string =>
  prefix === '' ? path : path === '' ? prefix : `${prefix}.${path}`;

/** A problem at `path` of one object (as a parser reports it), located in the object's file. */
export const located = (source: SourceObject, path: string, message: string): FileProblem => ({
  file: source.file,
  document: source.document,
  line: source.lineOf(path),
  path: joinPath(source.pathPrefix, path),
  message,
});

// `spec.subsets[1].labels` -> ['spec', 'subsets', 1, 'labels']. Label keys with dots make this
// ambiguous; lineOf then settles for the nearest ancestor it finds, which is good enough for a line.
const pathSegments = (path: string): (string | number)[] =>
  [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? (match[1] ?? '') : Number(match[2]),
  );

const lineFinder =
  (document: Document, lines: LineCounter) =>
  (path: string): number | undefined => {
    let node: unknown = document.contents;
    let found = document.contents?.range?.[0];
    for (const segment of pathSegments(path)) {
      if (!isMap(node) && !isSeq(node)) break;
      const child: unknown = node.get(segment, true);
      if (child === undefined) break;
      const start = (child as { range?: [number, number, number] }).range?.[0];
      if (start !== undefined) found = start;
      node = child;
    }
    return found === undefined ? undefined : lines.linePos(found).line;
  };

/** Whether a parsed document is a `List` of objects (`kubectl get ... -o yaml`). */
const isList = (value: unknown): value is { items: unknown[] } =>
  typeof value === 'object' &&
  value !== null &&
  (value as { kind?: unknown }).kind === 'List' &&
  Array.isArray((value as { items?: unknown }).items);

/**
 * Reads a YAML or JSON file (JSON is YAML) with any number of documents. Empty documents are
 * skipped; a `List` gives its items; a document that does not parse is a problem, and the others
 * are still read. Throws {@link InputError} when the file cannot be read.
 */
export const readObjects = (io: CliIo, file: string): FileContents => {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`${file}: cannot read it (${reason})`);
  }
  return parseObjects(text, file);
};

/** {@link readObjects} of a text already read; `file` names it in problems. */
export const parseObjects = (text: string, file: string): FileContents => {
  const lines = new LineCounter();
  const objects: SourceObject[] = [];
  const problems: FileProblem[] = [];
  parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }).forEach((document, i) => {
    const index = i + 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        problems.push({
          file,
          document: index,
          line: lines.linePos(error.pos[0]).line,
          path: '',
          message: `not valid YAML: ${error.message}`,
        });
      }
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    const lineOf = lineFinder(document, lines);
    if (isList(value)) {
      value.items.forEach((item, j) => {
        const pathPrefix = `items[${j}]`;
        objects.push({
          file,
          document: index,
          pathPrefix,
          value: item,
          lineOf: (path) => lineOf(joinPath(pathPrefix, path)),
        });
      });
      return;
    }
    objects.push({ file, document: index, pathPrefix: '', value, lineOf });
  });
  return { objects, problems };
};

/** `file:line: document 2: spec.x: message`, the one line a problem prints as. */
export const formatProblem = (problem: FileProblem): string => {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const document = problem.document === undefined ? '' : ` document ${problem.document}:`;
  const path = problem.path === '' ? '' : ` ${problem.path}:`;
  return `${where}:${document}${path} ${problem.message}`;
};
