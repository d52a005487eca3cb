import { readFile, stat } from 'node:fs/promises';
import type { ParseResult } from '@ctrlmesh/route-engine';
import { DEFAULT_MAX_ROUTES_FILE_BYTES } from '../config.js';
import { type PolicyDocuments, parsePolicyDocuments } from './policy-documents.js';

const refused = (file: string, message: string): ParseResult<PolicyDocuments> => ({
  ok: false,
  problems: [{ path: file, message }],
});

/**
 * Reads the policies of a YAML or JSON file of TrafficPolicy and FaultInjection documents. Like a
 * VirtualApp file: a missing file, one over `maxBytes`, bad YAML and invalid policies come back as
 * problems (every one, with its document and path), never as exceptions.
 */
export const readPolicyFile = async (
  file: string,
  options: { readonly maxBytes?: number | undefined } = {},
): Promise<ParseResult<PolicyDocuments>> => {
  const limit = options.maxBytes ?? DEFAULT_MAX_ROUTES_FILE_BYTES;
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > limit) return refused(file, `too large: ${size} bytes, more than ${limit} bytes`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    return refused(file, `cannot read: ${(error as Error).message}`);
  }
  const result = parsePolicyDocuments(text);
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.problems.map((p) => ({ path: `${file}${p.path}`, message: p.message })),
  };
};
