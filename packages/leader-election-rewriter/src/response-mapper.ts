/**
 * Mapping answers back: the controller asked for `lock`, the apiserver answered about
 * `lock---subset`, so the controller must see `lock` again, or its next update would name the
 * suffixed lock (as in the original, which left responses alone) and its cache would not match.
 */
import { renameJsonResponse, renameJsonWatchEvent } from './json-body.js';
import { bodyFormat } from './media-type.js';
import { renameProtobufResponse } from './protobuf-body.js';
import { renameProtobufWatchEvent } from './protobuf-watch-event.js';
import type { Rename } from './rename.js';

/**
 * Maps the subset's lock name back to the configured one in the answers to one rewritten request.
 * Bodies must be uncompressed. Both methods return the same array when nothing names the lock or
 * the format is not JSON or Kubernetes protobuf.
 */
export interface LockResponseMapper {
  /** A whole response body: the object, a list of objects, or a `Status` (404, 409, ...). */
  mapBody(contentType: string | undefined, body: Uint8Array): Uint8Array;
  /**
   * One watch event: a JSON line `{"type":...,"object":...}` (newline kept), or the payload of one
   * protobuf frame without its 4-byte length prefix (`;stream=watch` content types).
   */
  mapWatchEvent(contentType: string | undefined, event: Uint8Array): Uint8Array;
}

/** A mapper that renames `rename.from` (the subset's name) to `rename.to` (the configured one). */
export const createResponseMapper = (rename: Rename): LockResponseMapper => ({
  mapBody: (contentType, body) => {
    const format = bodyFormat(contentType);
    if (format === 'json') return renameJsonResponse(body, rename);
    if (format === 'protobuf') return renameProtobufResponse(body, rename);
    return body;
  },
  mapWatchEvent: (contentType, event) => {
    const format = bodyFormat(contentType);
    if (format === 'json') return renameJsonWatchEvent(event, rename);
    if (format === 'protobuf') return renameProtobufWatchEvent(event, rename);
    return event;
  },
});
