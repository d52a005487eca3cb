import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ConnectCluster } from './cluster.js';
import { runCli } from './program.js';
import { capturedIo } from './testing/captured-io.js';
import { fakeCluster } from './testing/fake-cluster.js';

// The README's examples are its contract with users: the files it shows are the files in
// examples/, and every `$ ctrlmesh ...` in a console block prints exactly what follows it
// (`$ echo $?` checks the exit status of the command before), run from this package's folder.
// Commands that read a cluster read the one of src/fixtures/readme-cluster.yaml.

const appDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
const clusterPaths = (
  parse(readFileSync(join(appDir, 'src/fixtures/readme-cluster.yaml'), 'utf8')) as {
    paths: Record<string, unknown>;
  }
).paths;
const readmeCluster: ConnectCluster = async (_io, flags) =>
  fakeCluster(clusterPaths, { namespace: flags.namespace ?? 'default' });

interface Step {
  readonly command: string;
  readonly output: string;
}

const consoleSteps = (): Step[] => {
  const steps: Step[] = [];
  for (const block of readme.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    for (const part of (block[1] ?? '').split(/^\$ /m).slice(1)) {
      const [command = '', ...output] = part.split('\n');
      steps.push({ command, output: output.join('\n') });
    }
  }
  return steps;
};

// Words of a README command line: "quoted words" or runs of non-spaces. Enough for the README.
const words = (line: string): string[] =>
  [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');

describe('the README', () => {
  const example = (name: string): string => readFileSync(join(appDir, 'examples', name), 'utf8');
  // canary-wider.yaml is described, not shown: it is canary.yaml with one line changed.
  const shown = readdirSync(join(appDir, 'examples')).filter((n) => n !== 'canary-wider.yaml');

  it.each(shown)('shows examples/%s verbatim', (name) => {
    expect(readme).toContain(example(name));
  });

  it('describes canary-wider.yaml truly: canary.yaml with the regex the README names', () => {
    expect(readme).toContain('(`namespaceRegex: ^(canary|team)-`)');
    expect(example('canary-wider.yaml')).toBe(
      example('canary.yaml').replace('namespaceRegex: ^canary-', 'namespaceRegex: ^(canary|team)-'),
    );
  });

  it('prints what each console example shows, with the exit status it shows', async () => {
    const steps = consoleSteps();
    expect(steps.length).toBeGreaterThan(5);
    let lastCode: number | undefined;
    for (const { command, output } of steps) {
      if (command === 'echo $?') {
        expect({ command: 'echo $?', output }).toEqual({ command, output: `${lastCode}\n` });
        continue;
      }
      const [program, ...args] = words(command);
      expect(program).toBe('ctrlmesh');
      const io = {
        ...capturedIo(),
        readFile: (path: string) => readFileSync(resolve(appDir, path), 'utf8'),
      };
      const captured = capturedIo();
      const code = await runCli(
        args,
        { ...io, out: captured.out, err: captured.err },
        'ctrlmesh',
        readmeCluster,
      );
      expect({ command, output: captured.stdout() }).toEqual({ command, output });
      lastCode = code;
    }
  });
});
