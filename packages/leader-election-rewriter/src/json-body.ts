/**
 * Lock names in JSON bodies: `metadata.name` of an object, of each item of a list, of the object
 * of a watch event, and `details.name` and the quoted name in `message` of a `Status`. Edits are
 * made in place (see `json-scanner.ts`), so the rest of the document keeps its bytes, key order and
 * number spellings; a body that is not JSON, or names nothing, comes back as the same array.
 */
import { applyByteEdits, type ByteEdit } from './byte-edit.js';
import {
  arrayElements,
  documentSpan,
  type JsonMember,
  type JsonSpan,
  objectMembers,
  readJsonString,
} from './json-scanner.js';
import { type Rename, renameQuoted } from './rename.js';

const encoder = new TextEncoder();

const stringEdit = (span: JsonSpan, value: string): ByteEdit => ({
  ...span,
  replacement: encoder.encode(JSON.stringify(value)),
});

const membersNamed = (members: readonly JsonMember[], key: string): JsonSpan[] =>
  members.filter((member) => member.key === key).map((member) => member.value);

/** Edits every `key` member of the object at `span` whose string value is exactly `rename.from`. */
const renameMember = (
  bytes: Uint8Array,
  span: JsonSpan,
  key: string,
  rename: Rename,
  edits: ByteEdit[],
): void => {
  // Every duplicate is renamed: Go's decoder keeps the last one, so none may escape the rename.
  for (const value of membersNamed(objectMembers(bytes, span) ?? [], key)) {
    if (readJsonString(bytes, value) === rename.from) edits.push(stringEdit(value, rename.to));
  }
};

const renameObjectName = (
  bytes: Uint8Array,
  members: readonly JsonMember[],
  rename: Rename,
  edits: ByteEdit[],
): void => {
  for (const metadata of membersNamed(members, 'metadata')) {
    renameMember(bytes, metadata, 'name', rename, edits);
  }
};

const renameStatus = (
  bytes: Uint8Array,
  members: readonly JsonMember[],
  rename: Rename,
  edits: ByteEdit[],
): void => {
  for (const details of membersNamed(members, 'details')) {
    renameMember(bytes, details, 'name', rename, edits);
  }
  for (const span of membersNamed(members, 'message')) {
    const message = readJsonString(bytes, span);
    if (message === undefined) continue;
    const renamed = renameQuoted(message, rename);
    if (renamed !== message) edits.push(stringEdit(span, renamed));
  }
};

/** Object, list or Status at `span`: whatever the apiserver answers for a lock request. */
const renameDocument = (
  bytes: Uint8Array,
  span: JsonSpan,
  rename: Rename,
  edits: ByteEdit[],
): void => {
  const members = objectMembers(bytes, span);
  if (members === undefined) return;
  const kinds = membersNamed(members, 'kind').map((kind) => readJsonString(bytes, kind));
  if (kinds.includes('Status')) {
    renameStatus(bytes, members, rename, edits);
    return;
  }
  renameObjectName(bytes, members, rename, edits);
  for (const items of membersNamed(members, 'items')) {
    for (const item of arrayElements(bytes, items) ?? []) {
      renameObjectName(bytes, objectMembers(bytes, item) ?? [], rename, edits);
    }
  }
};

/** Renames `metadata.name` of the JSON object in a request body (create, update, patch). */
export const renameJsonObject = (bytes: Uint8Array, rename: Rename): Uint8Array => {
  const span = documentSpan(bytes);
  if (span === undefined) return bytes;
  const edits: ByteEdit[] = [];
  renameObjectName(bytes, objectMembers(bytes, span) ?? [], rename, edits);
  return applyByteEdits(bytes, edits);
};

/** Renames the lock in a JSON response body: an object, a list of objects or a `Status`. */
export const renameJsonResponse = (bytes: Uint8Array, rename: Rename): Uint8Array => {
  const span = documentSpan(bytes);
  if (span === undefined) return bytes;
  const edits: ByteEdit[] = [];
  renameDocument(bytes, span, rename, edits);
  return applyByteEdits(bytes, edits);
};

/** Renames the lock in one JSON watch event, `{"type":...,"object":...}` (a trailing newline is kept). */
export const renameJsonWatchEvent = (bytes: Uint8Array, rename: Rename): Uint8Array => {
  const span = documentSpan(bytes);
  if (span === undefined) return bytes;
  const edits: ByteEdit[] = [];
  for (const object of membersNamed(objectMembers(bytes, span) ?? [], 'object')) {
    renameDocument(bytes, object, rename, edits);
  }
  return applyByteEdits(bytes, edits);
};
