import { type FileProblem, formatProblem, parseObjects } from '../documents.js';
import { InputError } from '../input-error.js';
import { type ManifestObject, objectId } from './manifest-object.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is missing for an object to be applied, or undefined when nothing is. */
const missing = (value: unknown): string | undefined => {
  if (!isRecord(value)) return 'not an object (a map with apiVersion, kind and metadata)';
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') return 'no apiVersion';
  if (typeof value.kind !== 'string' || value.kind === '') return 'no kind';
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    // generateName cannot be applied: server-side apply needs the name of the object it owns.
    return 'no metadata.name (server-side apply needs a name)';
  }
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    return 'metadata.namespace is not a string';
  }
  return undefined;
};

/**
 * The objects of a rendered manifest (YAML or JSON, any number of documents, `List`s opened),
 * in the order written. `source` names it in problems. Throws an {@link InputError} listing
 * every problem (a document that does not parse, an object without apiVersion, kind or name,
 * the same object twice, no object at all): nothing is applied from a manifest with a problem.
 */
export const readManifest = (text: string, source: string): ManifestObject[] => {
  const contents = parseObjects(text, source);
  const problems: FileProblem[] = [...contents.problems];
  const objects: ManifestObject[] = [];
  const seen = new Set<string>();
  for (const object of contents.objects) {
    const wrong = missing(object.value);
    if (wrong !== undefined) {
      problems.push({
        file: object.file,
        document: object.document,
        line: object.lineOf(''),
        path: object.pathPrefix,
        message: wrong,
      });
      continue;
    }
    const value = object.value as ManifestObject;
    const key = `${objectId(value)} in ${value.metadata.namespace ?? ''}`;
    if (seen.has(key)) {
      problems.push({
        file: object.file,
        document: object.document,
        line: object.lineOf(''),
        path: object.pathPrefix,
        message: `${objectId(value)} is in the manifest twice`,
      });
      continue;
    }
    seen.add(key);
    objects.push(value);
  }
  if (problems.length > 0) {
    throw new InputError(
      `${source} cannot be applied:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
  if (objects.length === 0) throw new InputError(`${source} holds no object to apply`);
  return objects;
};
