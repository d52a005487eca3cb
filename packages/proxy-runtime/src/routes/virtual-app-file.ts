import { readFile } from 'node:fs/promises';
import { type ParseResult, parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { parse } from 'yaml';

/**
 * Reads and validates a VirtualApp from a YAML (or JSON) file. Expected failures are values: a
 * missing file, bad YAML and invalid VirtualApps all come back as problems with their paths.
 */
export const readVirtualAppFile = async (file: string): Promise<ParseResult<VirtualApp>> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: file, message: `cannot read: ${(error as Error).message}` }],
    };
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: file, message: `not YAML: ${(error as Error).message}` }],
    };
  }
  return parseVirtualApp(document);
};
