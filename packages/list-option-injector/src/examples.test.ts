/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from 'vitest';
import readme from '../README.md?raw';

// Vite reads the files, so this pure package's tests need no `node:fs`.
const sources = import.meta.glob<string>('../examples/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const modules = import.meta.glob('../examples/*.ts');

/** What an example says it prints: `// => text`, after a statement or on a line of its own. */
const promisedOutput = (source: string): string[] =>
  [...source.matchAll(/\/\/ => (.*)$/gm)].map((match) => match[1]!);

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(Object.keys(sources))('%s', (path) => {
  const source = sources[path]!;

  it('prints what its comments promise', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    await modules[path]!();
    expect(printed).toEqual(promisedOutput(source));
  });

  it('is shown verbatim in the README', () => {
    expect(readme).toContain(`\`\`\`ts\n${source}\`\`\``);
  });
});
