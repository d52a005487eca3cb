/** One RFC 6902 operation, as an AdmissionReview's `patch` carries them. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** Escapes one JSON pointer segment (RFC 6901). */
export const pointerSegment = (segment: string): string =>
  segment.replaceAll('~', '~0').replaceAll('/', '~1');

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The operations that turn `before` into `after` at each of `paths` (member names from the root):
 * `add` where the member was absent, `replace` where it changed. Whole members are replaced, which
 * keeps the patch small to reason about: it is applied to exactly the object the webhook saw.
 */
export const patchAt = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  paths: readonly (readonly string[])[],
): JsonPatchOperation[] => {
  const ops: JsonPatchOperation[] = [];
  const at = (root: unknown, path: readonly string[]) =>
    path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
  for (const path of paths) {
    const old = at(before, path);
    const now = at(after, path);
    if (now === undefined || equal(old, now)) continue;
    const pointer = `/${path.map(pointerSegment).join('/')}`;
    ops.push({ op: old === undefined ? 'add' : 'replace', path: pointer, value: now });
  }
  return ops;
};
