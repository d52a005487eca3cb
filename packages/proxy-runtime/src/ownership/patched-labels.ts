import type { PatchType } from '../http/object-body.js';
import type { KubeObject } from '../streams/kube-object.js';

type Labels = Readonly<Record<string, string>>;
type Json = unknown;

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const dig = (value: Json, path: readonly string[]): Json =>
  path.reduce<Json>((node, key) => (isRecord(node) ? node[key] : undefined), value);

// A patch value that lands where the object had nothing: nulls dropped and, in a strategic merge,
// maps carrying `$patch` left out (as strategicpatch's removeDirectives does).
const landed = (patch: Json, strategic: boolean): Json => {
  if (!isRecord(patch)) return patch;
  const kept: Record<string, Json> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || (strategic && isRecord(value) && '$patch' in value)) continue;
    kept[key] = landed(value, strategic);
  }
  return kept;
};

const PARALLEL_LISTS = ['$deleteFromPrimitiveList/', '$setElementOrder/'];

/**
 * The value at `path` once `patch` is merged into `original` (the values at this level), as RFC 7386
 * merges or, for a strategic merge, as k8s strategicpatch's mergeMap does: `$patch: replace |
 * delete` and `$retainKeys` are followed; undefined (cannot tell) for another `$patch`, or a
 * parallel-list directive naming the path, which the apiserver reads in ways not worth mirroring.
 */
const mergedAt = (
  original: Json,
  patch: Json,
  path: readonly string[],
  strategic: boolean,
): { value: Json } | undefined => {
  if (!isRecord(patch)) return { value: dig(patch, path) };
  if (!isRecord(original)) {
    return {
      value: strategic && '$patch' in patch ? undefined : dig(landed(patch, strategic), path),
    };
  }
  let base = original;
  let changes = patch;
  if (strategic) {
    const { $patch: directive, $retainKeys: retain, ...rest } = patch;
    if (directive === 'replace') return { value: dig(rest, path) };
    if (directive === 'delete') return { value: undefined };
    if (directive !== undefined) return undefined;
    if (retain !== undefined) {
      if (!Array.isArray(retain)) return undefined;
      base = Object.fromEntries(Object.entries(base).filter(([key]) => retain.includes(key)));
    }
    const named = (key: string) =>
      PARALLEL_LISTS.some(
        (prefix) => key === `${prefix}${path[0]}` || (path.length === 0 && key.startsWith(prefix)),
      );
    if (Object.keys(rest).some(named)) return undefined;
    changes = rest;
  }
  const [key, ...deeper] = path;
  if (key === undefined) {
    // The labels map itself: null removes a key, anything else sets it.
    const merged: Record<string, Json> = { ...base };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    return { value: merged };
  }
  if (!Object.hasOwn(changes, key)) return { value: dig(base[key], deeper) };
  const next = changes[key];
  return next === null ? { value: undefined } : mergedAt(base[key], next, deeper, strategic);
};

const mergedLabels = (current: KubeObject, patch: Json, strategic: boolean): Labels | undefined => {
  const merged = mergedAt(current, patch, ['metadata', 'labels'], strategic);
  if (merged === undefined) return undefined;
  return isRecord(merged.value) ? (merged.value as Labels) : {};
};

// What follows mirrors the JSON patch library the apiserver uses (evanphx/json-patch v4), quirks
// included, so the proxy decides on the labels the apiserver will store: a path is split on `/` and
// its first segment ignored, a missing value is null, `replace` sets a missing object key, `copy`
// from a missing key copies null, array indices may count from the end.
type Container = Record<string, Json> | Json[];

const isContainer = (value: Json): value is Container =>
  typeof value === 'object' && value !== null;

const decodeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

// An array index as Go's strconv.Atoi reads it, negative ones counting from the end of `size`.
const indexIn = (size: number, token: string): number | undefined => {
  if (!/^[+-]?[0-9]+$/.test(token)) return undefined;
  const index = Number(token);
  if (index >= size || index < -size) return undefined;
  return index < 0 ? index + size : index;
};

/** A value read from a container: `value` undefined for a missing object key; undefined on error. */
const getIn = (container: Container, key: string): { value: Json } | undefined => {
  if (!Array.isArray(container)) {
    return { value: Object.hasOwn(container, key) ? container[key] : undefined };
  }
  const index = indexIn(container.length, key);
  return index === undefined ? undefined : { value: container[index] };
};

const setIn = (container: Record<string, Json>, key: string, value: Json): void => {
  Object.defineProperty(container, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
};

const addIn = (container: Container, key: string, value: Json): boolean => {
  if (!Array.isArray(container)) {
    setIn(container, key, value);
    return true;
  }
  const index = key === '-' ? container.length : indexIn(container.length + 1, key);
  if (index === undefined) return false;
  container.splice(index, 0, value);
  return true;
};

const removeIn = (container: Container, key: string): boolean => {
  if (!Array.isArray(container)) {
    if (!Object.hasOwn(container, key)) return false;
    delete container[key];
    return true;
  }
  const index = indexIn(container.length, key);
  if (index === undefined) return false;
  container.splice(index, 1);
  return true;
};

// The container holding the last segment of `path`, and that segment.
const locate = (doc: Json, path: Json): { container: Container; key: string } | undefined => {
  if (typeof path !== 'string') return undefined;
  const segments = path.split('/');
  if (segments.length < 2) return undefined;
  let node = doc;
  for (const segment of segments.slice(1, -1)) {
    if (!isContainer(node)) return undefined;
    const next = getIn(node, decodeToken(segment));
    if (next === undefined) return undefined;
    node = next.value;
  }
  if (!isContainer(node)) return undefined;
  return { container: node, key: decodeToken(segments[segments.length - 1] ?? '') };
};

const present = (value: Json): boolean => value !== undefined && value !== null;

const equal = (a: Json, b: Json): boolean => {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => equal(item, b[index]))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]))
    );
  }
  return a === b;
};

const applyOperation = (root: { doc: Json }, operation: Json): boolean => {
  if (!isRecord(operation)) return false;
  const { op, path } = operation;
  const value = 'value' in operation ? operation.value : null;
  if (op === 'replace' && path === '') {
    if (!isContainer(value)) return false;
    root.doc = structuredClone(value);
    return true;
  }
  if (op === 'test' && path === '') return equal(root.doc, value);
  const source = op === 'move' || op === 'copy' ? locate(root.doc, operation.from) : undefined;
  const from = source === undefined ? undefined : getIn(source.container, source.key);
  if ((op === 'move' || op === 'copy') && from === undefined) return false;
  if (op === 'move' && (source === undefined || !removeIn(source.container, source.key))) {
    return false;
  }
  const target = locate(root.doc, path);
  if (target === undefined) return false;
  const { container, key } = target;
  switch (op) {
    case 'add':
      return addIn(container, key, structuredClone(value));
    case 'remove':
      return removeIn(container, key);
    case 'replace': {
      if (getIn(container, key) === undefined) return false;
      if (!Array.isArray(container)) setIn(container, key, structuredClone(value));
      else container[indexIn(container.length, key) ?? 0] = structuredClone(value);
      return true;
    }
    case 'move':
      return addIn(container, key, from?.value ?? null);
    case 'copy':
      return addIn(container, key, structuredClone(from?.value ?? null));
    case 'test': {
      const found = getIn(container, key);
      if (found === undefined) return false;
      if (!present(found.value)) return !present(operation.value);
      return 'value' in operation && equal(found.value, operation.value);
    }
    default:
      return false;
  }
};

// RFC 6902 on a copy of the object; undefined when an operation fails (the apiserver then answers
// 422).
const applyJsonPatch = (object: Json, operations: Json): Json => {
  if (!Array.isArray(operations)) return undefined;
  const root = { doc: structuredClone(object) };
  return operations.every((operation) => applyOperation(root, operation)) ? root.doc : undefined;
};

const labelsIn = (object: Json): Labels => {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const labels = isRecord(metadata) ? metadata.labels : undefined;
  return isRecord(labels) ? (labels as Labels) : {};
};

/**
 * The labels an existing object will carry after a patch, worked out as the apiserver would: a merge
 * or strategic merge patch merges `metadata.labels`, a JSON patch is applied to the object as it is
 * now, and an apply sets the labels it names over the current ones (an apply can also drop labels
 * its field manager set before and now leaves out; that needs managedFields and is not modelled).
 * Undefined when the proxy cannot tell: a JSON patch that does not apply to the object as it is now,
 * or a strategic merge directive on `metadata` or its labels that it does not follow.
 */
export const patchedLabels = (
  type: PatchType,
  current: KubeObject,
  patch: Json,
): Labels | undefined => {
  const now = labelsIn(current);
  switch (type) {
    case 'merge':
    case 'strategic':
      return mergedLabels(current, patch, type === 'strategic');
    case 'apply':
      return { ...now, ...labelsIn(patch) };
    case 'json': {
      const patched = applyJsonPatch(current, patch);
      return patched === undefined ? undefined : labelsIn(patched);
    }
  }
};
