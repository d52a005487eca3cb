import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCommandLine } from './command-line.js';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const output = { out: '', err: '' };
  const command = readCommandLine(argv, env, {
    out: (text) => {
      output.out += text;
    },
    err: (text) => {
      output.err += text;
    },
  });
  return { command, ...output };
};

const pod = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];

describe('readCommandLine', () => {
  it('prints the version of apps/proxy/package.json with --version and exits 0', () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(run(['--version'])).toEqual({ command: { exit: 0 }, out: `${version}\n`, err: '' });
  });

  it('refuses to start without --virtualapp or --state-file rather than never be ready (issue 9)', () => {
    const { command, err } = run(pod);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain(
      'ctrlmesh-proxy: no source of routes: give --virtualapp FILE, --state-file FILE, or both',
    );
  });

  it('refuses a kubeconfig whose current-context is missing as a usage error (issue 9)', () => {
    const kubeconfig = fileURLToPath(
      new URL('./fixtures/kubeconfig-missing-context.yaml', import.meta.url),
    );
    const { command, err } = run([
      ...pod,
      '--state-file',
      '/run/routes.json',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain(
      `ctrlmesh-proxy: kubeconfig ${kubeconfig}: context was not found for specified context: gone`,
    );
  });

  it('names the flag or variable of each invalid setting, and exits 2 (issue 9)', () => {
    const { command, err } = run(['--state-file', '/run/routes.json', '--admin-port', 'x'], {
      POD_NAMESPACE: 'n',
    });
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain('ctrlmesh-proxy: invalid configuration\n');
    expect(err).toContain('✖ --pod-name / POD_NAME (pod.name): ');
    expect(err).toContain('✖ --admin-port (admin.port): ');
    expect(err).toContain(
      '✖ --upstream / --kubeconfig / KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT (upstream.url): ',
    );
  });

  it('gives a valid config to start with', () => {
    const { command, err } = run([...pod, '--state-file', '/run/routes.json']);
    expect(err).toBe('');
    expect(command).toMatchObject({ config: { routes: { stateFile: '/run/routes.json' } } });
  });
});
