import type { JsonPatchOperation } from '../injection/json-patch.js';

const segments = (pointer: string) =>
  pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

/**
 * Applies RFC 6902 `add`/`replace`/`remove` to a copy of `document`, as the apiserver does with an
 * AdmissionResponse's patch (tests only; throws where the apiserver would refuse the patch).
 */
export const applyJsonPatch = <T>(document: T, patch: readonly JsonPatchOperation[]): T => {
  const root = structuredClone(document) as unknown as Record<string, unknown>;
  for (const op of patch) {
    const path = segments(op.path);
    const last = path.pop() as string;
    let parent: unknown = root;
    for (const key of path) {
      parent = (parent as Record<string, unknown>)[key];
      if (parent === undefined || parent === null) throw new Error(`no parent for ${op.path}`);
    }
    if (Array.isArray(parent)) {
      const node = parent as unknown[];
      const index = last === '-' ? node.length : Number(last);
      if (op.op === 'add') node.splice(index, 0, structuredClone(op.value));
      else if (op.op === 'replace') node[index] = structuredClone(op.value);
      else node.splice(index, 1);
      continue;
    }
    const node = parent as Record<string, unknown>;
    if (op.op !== 'add' && !(last in node)) throw new Error(`${op.op} of missing ${op.path}`);
    if (op.op === 'remove') delete node[last];
    else node[last] = structuredClone(op.value);
  }
  return root as unknown as T;
};
