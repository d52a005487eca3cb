import { readFile, stat } from 'node:fs/promises';
import type { ParseResult, VirtualApp } from '@ctrlmesh/route-engine';
import { DEFAULT_MAX_ROUTES_FILE_BYTES } from '../config.js';
import { INLINE_PARSE_MAX_BYTES, parseHere, parseInWorker } from './virtual-app-worker.js';

/** How {@link readVirtualAppFile} reads. */
export interface ReadVirtualAppOptions {
  /** Files larger than this are refused unread (default {@link DEFAULT_MAX_ROUTES_FILE_BYTES}). */
  readonly maxBytes?: number | undefined;
}

const refused = (file: string, message: string): ParseResult<VirtualApp> => ({
  ok: false,
  problems: [{ path: file, message }],
});

const tooLarge = (file: string, size: number, limit: number): ParseResult<VirtualApp> =>
  refused(
    file,
    `too large: ${size} bytes, more than the limit of ${limit} bytes (routes.maxFileBytes); split the rules or raise the limit`,
  );

/**
 * Reads and validates a VirtualApp from a YAML (or JSON) file. Expected failures are values: a
 * missing file, a file over the size limit, bad YAML and invalid VirtualApps all come back as
 * problems with their paths. Parsing and validation of a large file run in a worker thread, so it
 * does not hold up requests served meanwhile (issue 9); a small one is read at once.
 */
export const readVirtualAppFile = async (
  file: string,
  options: ReadVirtualAppOptions = {},
): Promise<ParseResult<VirtualApp>> => {
  const limit = options.maxBytes ?? DEFAULT_MAX_ROUTES_FILE_BYTES;
  let text: string;
  try {
    // Refuse before reading: a huge file should cost neither memory nor parsing time.
    const { size } = await stat(file);
    if (size > limit) return tooLarge(file, size, limit);
    text = await readFile(file, 'utf8');
  } catch (error) {
    return refused(file, `cannot read: ${(error as Error).message}`);
  }
  // The file may have grown between stat and read.
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limit) return tooLarge(file, size, limit);
  const verdict = size <= INLINE_PARSE_MAX_BYTES ? parseHere(text) : await parseInWorker(text);
  switch (verdict.kind) {
    case 'parsed':
      return verdict.result;
    case 'not-yaml':
      return refused(file, `not YAML: ${verdict.message}`);
    case 'failed':
      return refused(file, `cannot validate: ${verdict.message}`);
  }
};
