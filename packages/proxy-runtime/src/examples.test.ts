/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from 'vitest';
import readme from '../README.md?raw';

// Every example in examples/ runs here; what it prints must equal the `// Output:` block at its end,
// and the README must show the file verbatim, so the documentation cannot drift from the code.
const sources = import.meta.glob<string>('../examples/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const modules = import.meta.glob('../examples/*.ts');

const expectedOutput = (source: string): string[] => {
  const marker = source.indexOf('// Output:\n');
  if (marker < 0) throw new Error('an example must end with an // Output: block');
  return source
    .slice(marker + '// Output:\n'.length)
    .trimEnd()
    .split('\n')
    .map((line) => line.replace(/^\/\/ ?/, ''));
};

describe('examples', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(Object.keys(sources))('%s prints what its Output block says', async (path) => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    await modules[path]!();
    expect(printed).toEqual(expectedOutput(sources[path]!));
  });

  it.each(Object.keys(sources))('%s is shown verbatim in the README', (path) => {
    expect(readme).toContain(sources[path]!.trimEnd());
  });
});
