import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseVirtualApp } from '@ctrlmesh/route-engine';
import { parseFaultInjection, parseTrafficPolicy } from '@ctrlmesh/traffic-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const guide = readFileSync(path.join(import.meta.dirname, 'user-guide.md'), 'utf8');
// The CLI is built into a folder of this test's own: apps/cli's e2e test rebuilds apps/cli/dist
// (tsup cleans it first) while this one runs. The manager and proxy are read from their dist,
// which `npm test` builds first.
const work = mkdtempSync(path.join(tmpdir(), 'ctrlmesh-guide-'));
const binaries: Record<string, string> = {
  ctrlmesh: path.join(work, 'main.js'),
  'ctrlmesh-manager': path.join(root, 'apps/manager/dist/main.js'),
  'ctrlmesh-proxy': path.join(root, 'apps/proxy/dist/main.js'),
};

const run = (program: string, args: readonly string[]) => {
  const result = spawnSync(process.execPath, [binaries[program] ?? program, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: work },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The fenced blocks of the guide, indented ones (in lists) included, with their language. */
const blocks = [...guide.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```/gm)].map((match) => ({
  language: match[2] ?? '',
  text: (match[3] ?? '')
    .split('\n')
    .map((line) => line.slice((match[1] ?? '').length))
    .join('\n'),
}));

/** Words of a shell command, with double-quoted strings kept whole. */
const words = (command: string): string[] =>
  [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');

/** Every invocation of our programs in the guide's `sh` blocks (pipelines split, comments cut). */
const commands = blocks
  .filter((block) => block.language === 'sh')
  .flatMap((block) => block.text.split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .flatMap((line) => line.split(/\s*\|\s*/))
  .map((segment) => words(segment.replace(/^kubectl ctrlmesh\b/, 'ctrlmesh')))
  .filter(([program]) => program !== undefined && program in binaries)
  .map(([program, ...args]) => ({
    program: program as string,
    args,
    line: [program, ...args].join(' '),
  }));

const yamlDocuments = blocks
  .filter((block) => block.language === 'yaml')
  .flatMap((block) => parseAllDocuments(block.text));

const helps = new Map<string, string>();
const helpOf = (program: string, subcommand?: string): string => {
  const key = `${program} ${subcommand ?? ''}`;
  if (!helps.has(key)) {
    const result = run(program, subcommand === undefined ? ['--help'] : [subcommand, '--help']);
    expect(result.code, `${key} --help`).toBe(0);
    helps.set(key, `${result.stdout}${result.stderr}`);
  }
  return helps.get(key) ?? '';
};

const flagsOf = (args: readonly string[]) =>
  args.filter((arg) => /^--?[a-z]/i.test(arg)).map((arg) => arg.replace(/=.*$/, ''));
const mentions = (help: string, flag: string) =>
  new RegExp(`(^|[\\s,\\[])${flag.replace(/[-]/g, '\\-')}([\\s,=\\]]|$)`, 'm').test(help);

describe('docs/user-guide.md', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/tsup/dist/cli-default.js'), '--out-dir', work],
      { cwd: path.join(root, 'apps/cli'), stdio: 'ignore' },
    );
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('shows commands of every program it documents', () => {
    const programs = new Set(commands.map((command) => command.program));
    expect([...programs].sort()).toEqual(['ctrlmesh', 'ctrlmesh-manager']);
    expect(commands.length).toBeGreaterThan(15);
  });

  it.each(commands)('$line: the command and its flags exist', ({ program, args }) => {
    if (program !== 'ctrlmesh') {
      const help = helpOf(program);
      for (const flag of flagsOf(args)) expect(mentions(help, flag), flag).toBe(true);
      return;
    }
    const [subcommand] = args;
    expect(subcommand).toBeDefined();
    expect(helpOf(program)).toMatch(new RegExp(`^  ${subcommand} `, 'm'));
    const help = helpOf(program, subcommand);
    for (const flag of flagsOf(args.slice(1))) expect(mentions(help, flag), flag).toBe(true);
  });

  // The offline commands on this repository's files run as shown: 0, or 1 for a diff that finds
  // owner changes (diff's documented "something changes"). A file named with a folder is one of
  // the repository's; a bare name (vapp.yaml) stands for the reader's own.
  const repositoryFiles = (args: readonly string[]) =>
    args.filter((arg) => arg.endsWith('.yaml') && arg.includes('/'));
  const runnable = commands.filter(
    ({ program, args }) =>
      program === 'ctrlmesh' &&
      ['validate', 'explain', 'diff', 'test'].includes(args[0] ?? '') &&
      !args.includes('--cluster') &&
      args.every((arg) => !arg.endsWith('.yaml') || arg.includes('/')),
  );

  it('names only repository files that exist', () => {
    const named = commands.flatMap(({ args }) => repositoryFiles(args));
    expect(named.filter((file) => !existsSync(path.join(root, file)))).toEqual([]);
  });

  it('runs some of its offline commands on the repository files', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(6);
  });

  it.each(runnable)('$line runs', ({ args }) => {
    const result = run('ctrlmesh', args);
    expect(result.stderr).toBe('');
    expect(args[0] === 'diff' ? [0, 1] : [0]).toContain(result.code);
  });

  it('links only to files that exist, and to headings it has', () => {
    const links = [...guide.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
    const files = links
      .filter((link) => !/^(https?:|#)/.test(link))
      .map((link) => link.split('#')[0] ?? '');
    expect(files.filter((file) => !existsSync(path.join(import.meta.dirname, file)))).toEqual([]);
    const anchors = new Set(
      [...guide.matchAll(/^#+ (.+)$/gm)].map((match) =>
        (match[1] ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const own = links.filter((link) => link.startsWith('#')).map((link) => link.slice(1));
    expect(own.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });

  it('has only YAML that parses, and valid VirtualApps and policies', () => {
    expect(yamlDocuments.length).toBeGreaterThanOrEqual(5);
    for (const document of yamlDocuments) {
      expect(document.errors).toEqual([]);
      const object = document.toJS() as { kind?: string };
      const parsed =
        object.kind === 'VirtualApp'
          ? parseVirtualApp(object)
          : object.kind === 'TrafficPolicy'
            ? parseTrafficPolicy(object)
            : object.kind === 'FaultInjection'
              ? parseFaultInjection(object)
              : { ok: true as const };
      expect(parsed.ok ? [] : parsed.problems, object.kind).toEqual([]);
    }
  });

  it('passes its cases file against its VirtualApp, with ctrlmesh test', () => {
    const objects = yamlDocuments.map((document) => document.toJS() as Record<string, unknown>);
    const virtualApp = objects.find((object) => object.kind === 'VirtualApp');
    const cases = objects.find((object) => 'cases' in object);
    const vappFile = path.join(work, 'vapp.yaml');
    const casesFile = path.join(work, 'vapp.cases.yaml');
    writeFileSync(vappFile, JSON.stringify(virtualApp));
    writeFileSync(casesFile, JSON.stringify(cases));
    const result = run('ctrlmesh', ['test', '-f', vappFile, casesFile]);
    expect(result.stdout).toContain('3 passed, 0 failed');
    expect(result.code).toBe(0);
  });
});
