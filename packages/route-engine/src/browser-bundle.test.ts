import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// DESIGN §2: pure packages import no `node:` module and run in a browser. Bundling the public
// entry points for the browser proves it for the whole import graph, dependencies included.
const bundleForBrowser = (entry: string) =>
  build({
    entryPoints: [entry],
    absWorkingDir: import.meta.dirname,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
  });

describe('the browser bundle', () => {
  it.each([
    ['./index.ts', 're2js'],
    ['./testing/index.ts', 'fast-check'],
  ])('of %s builds and pulls in no node: module', async (entry, dependency) => {
    const result = await bundleForBrowser(entry);
    expect(result.errors).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((i) => i.path),
    );
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((path) => path.includes(dependency))).toBe(
      true,
    );
  });

  it('fails for code that does import a node: module, so the check has teeth', async () => {
    await expect(
      build({
        stdin: { contents: "import { readFileSync } from 'node:fs'; console.log(readFileSync);" },
        bundle: true,
        write: false,
        platform: 'browser',
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/node:fs/);
  });
});
