import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// DESIGN §2: pure packages import no `node:` module and run in a browser. Bundling the public
// entry point for the browser proves it for the whole import graph, route-engine included.
describe('the browser bundle', () => {
  it('of ./index.ts builds and pulls in no node: module', async () => {
    const result = await build({
      entryPoints: ['./index.ts'],
      absWorkingDir: import.meta.dirname,
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      conditions: ['@ctrlmesh/source'],
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.values(result.metafile.inputs);
    const imports = inputs.flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((path) => path.includes('route-engine'))).toBe(
      true,
    );
  });
});
