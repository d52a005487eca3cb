import type { PatchType } from '../http/object-body.js';
import type { KubeObject } from '../streams/kube-object.js';

type Labels = Readonly<Record<string, string>>;
type Json = unknown;

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A map as RFC 7386 merges it; a strategic merge also knows `$patch: replace | delete` (label keys
// cannot start with `$`, so every `$` key is a directive, never a label).
const mergeMap = (current: Labels, patch: Json, strategic: boolean): Labels => {
  if (!isRecord(patch)) return {};
  const directive = strategic ? patch.$patch : undefined;
  if (directive === 'delete') return {};
  const merged: Record<string, Json> = directive === 'replace' ? {} : { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged as Labels;
};

const mergedLabels = (current: Labels, patch: Json, strategic: boolean): Labels => {
  if (!isRecord(patch)) return {};
  const whole = strategic ? patch.$patch : undefined;
  if (whole === 'delete') return {};
  const base = whole === 'replace' ? {} : current;
  if (!('metadata' in patch)) return base;
  const { metadata } = patch;
  if (!isRecord(metadata)) return {};
  const inner = strategic ? metadata.$patch : undefined;
  if (inner === 'delete') return {};
  const from = inner === 'replace' ? {} : base;
  return 'labels' in metadata ? mergeMap(from, metadata.labels, strategic) : from;
};

const unescapeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

const tokensOf = (pointer: Json): string[] | undefined => {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return undefined;
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeToken);
};

// The parent of the last token, walked from a copy of the document; undefined when it is not there.
const parentOf = (root: { doc: Json }, tokens: readonly string[]): Json => {
  let node: Json = root;
  for (const token of ['doc', ...tokens.slice(0, -1)]) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isRecord(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
};

const indexIn = (list: readonly Json[], token: string, adding: boolean): number | undefined => {
  if (adding && token === '-') return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < list.length || (adding && index === list.length) ? index : undefined;
};

const valueAt = (root: { doc: Json }, tokens: readonly string[]): { value: Json } | undefined => {
  if (tokens.length === 0) return { value: root.doc };
  const parent = parentOf(root, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = indexIn(parent, last, false);
    return index === undefined ? undefined : { value: parent[index] };
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) return { value: parent[last] };
  return undefined;
};

const removeAt = (root: { doc: Json }, tokens: readonly string[]): boolean => {
  const parent = parentOf(root, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (tokens.length === 0) return false;
  if (Array.isArray(parent)) {
    const index = indexIn(parent, last, false);
    if (index === undefined) return false;
    parent.splice(index, 1);
    return true;
  }
  if (!isRecord(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
};

const addAt = (root: { doc: Json }, tokens: readonly string[], value: Json): boolean => {
  if (tokens.length === 0) {
    root.doc = value;
    return true;
  }
  const parent = parentOf(root, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = indexIn(parent, last, true);
    if (index === undefined) return false;
    parent.splice(index, 0, value);
    return true;
  }
  if (!isRecord(parent)) return false;
  parent[last] = value;
  return true;
};

const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

// RFC 6902 on a copy of the object; undefined when an operation fails, as it then fails in the
// apiserver too (which answers the client).
const applyJsonPatch = (object: Json, operations: Json): Json => {
  if (!Array.isArray(operations)) return undefined;
  const root = { doc: structuredClone(object) };
  for (const operation of operations) {
    if (!isRecord(operation)) return undefined;
    const path = tokensOf(operation.path);
    if (path === undefined) return undefined;
    const copied = () => {
      const from = tokensOf(operation.from);
      return from === undefined ? undefined : valueAt(root, from);
    };
    let done: boolean;
    switch (operation.op) {
      case 'add':
        done = 'value' in operation && addAt(root, path, structuredClone(operation.value));
        break;
      case 'remove':
        done = removeAt(root, path);
        break;
      case 'replace':
        done =
          'value' in operation &&
          (path.length === 0 || removeAt(root, path)) &&
          addAt(root, path, structuredClone(operation.value));
        break;
      case 'copy': {
        const source = copied();
        done = source !== undefined && addAt(root, path, structuredClone(source.value));
        break;
      }
      case 'move': {
        const source = copied();
        const from = tokensOf(operation.from) ?? [];
        done = source !== undefined && removeAt(root, from) && addAt(root, path, source.value);
        break;
      }
      case 'test': {
        const found = valueAt(root, path);
        done = found !== undefined && same(found.value, operation.value);
        break;
      }
      default:
        done = false;
    }
    if (!done) return undefined;
  }
  return root.doc;
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
 * Undefined when a JSON patch cannot be applied: the apiserver refuses it as well.
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
      return mergedLabels(now, patch, type === 'strategic');
    case 'apply':
      return { ...now, ...labelsIn(patch) };
    case 'json': {
      const patched = applyJsonPatch(current, patch);
      return patched === undefined ? undefined : labelsIn(patched);
    }
  }
};
