import { rename, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * Writes a VirtualApp as YAML, atomically (temporary file, then rename): the proxy polls the file,
 * so rewriting it changes the routes, and it never reads half a document.
 */
export async function writeVirtualApp(file: string, app: Record<string, unknown>): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, stringify(app));
  await rename(tmp, file);
}
