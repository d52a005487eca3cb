import { afterEach, describe, expect, it, vi } from 'vitest';

/** A package's examples and README, as Vite loads them in the calling test file. */
export interface ExampleFiles {
  /** The README's text (`import readme from '../README.md?raw'`). */
  readme: string;
  /** Each example's source, by path (`import.meta.glob(..., { query: '?raw', eager: true })`). */
  sources: Record<string, string>;
  /** Each example's module loader, by the same paths (`import.meta.glob('../examples/*.ts')`). */
  modules: Record<string, () => Promise<unknown>>;
}

const OUTPUT_BLOCK = '// Output:\n';

/**
 * What an example says it prints: the lines of a closing `// Output:` block, or else every
 * `// => text` comment in order.
 */
export function promisedOutput(source: string): string[] {
  const block = source.indexOf(OUTPUT_BLOCK);
  if (block >= 0) {
    return source
      .slice(block + OUTPUT_BLOCK.length)
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/^\/\/ ?/, ''));
  }
  return [...source.matchAll(/\/\/ => (.*)$/gm)].map((match) => match[1] ?? '');
}

/** Declares the tests that keep a package's examples running and its README in step with them. */
export function describeExamples({ readme, sources, modules }: ExampleFiles): void {
  describe('examples', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('exist', () => {
      expect(Object.keys(sources).length).toBeGreaterThan(0);
    });

    describe.each(Object.keys(sources))('%s', (path) => {
      const source = sources[path] ?? '';

      it('prints what it promises', async () => {
        const printed: string[] = [];
        vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
          printed.push(args.map(String).join(' '));
        });
        const load = modules[path];
        if (!load) throw new Error(`no module loader for ${path}`);
        await load();
        expect(printed).toEqual(promisedOutput(source));
      });

      it('is shown verbatim in the README', () => {
        expect(readme).toContain(source.trimEnd());
      });
    });
  });
}
