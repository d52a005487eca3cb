/** A replacement of `bytes.subarray(start, end)` by `replacement`. */
export interface ByteEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: Uint8Array;
}

/**
 * Applies non-overlapping edits and copies every other byte as it was. With no edits it returns
 * `bytes` itself, so callers can tell "untouched" by identity.
 */
export const applyByteEdits = (bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array => {
  if (edits.length === 0) return bytes;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const size = sorted.reduce(
    (total, edit) => total - (edit.end - edit.start) + edit.replacement.length,
    bytes.length,
  );
  const out = new Uint8Array(size);
  let read = 0;
  let write = 0;
  for (const edit of sorted) {
    out.set(bytes.subarray(read, edit.start), write);
    write += edit.start - read;
    out.set(edit.replacement, write);
    write += edit.replacement.length;
    read = edit.end;
  }
  out.set(bytes.subarray(read), write);
  return out;
};
