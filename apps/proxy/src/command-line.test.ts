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

  it('refuses to start without --virtualapp, --virtualapp-name or --state-file rather than never be ready (issue 9)', () => {
    const { command, err } = run(pod);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain(
      'ctrlmesh-proxy: no source of routes: give --virtualapp FILE, --virtualapp-name NAME or --state-file FILE',
    );
  });

  it('follows a VirtualApp in the cluster with --virtualapp-name and its own token', () => {
    const { command, err } = run([...pod, '--virtualapp-name', 'sample', '--token-file', '/t']);
    expect(err).toBe('');
    expect(command).toMatchObject({
      config: { routes: { virtualAppName: 'sample' }, credentials: { tokenFile: '/t' } },
    });
  });

  it('refuses --virtualapp with --virtualapp-name: routes come from one place', () => {
    const { command, err } = run([
      ...pod,
      '--token-file',
      '/t',
      '--virtualapp',
      '/etc/vapp.yaml',
      '--virtualapp-name',
      'sample',
    ]);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain(
      'ctrlmesh-proxy: --virtualapp FILE and --virtualapp-name NAME exclude each other',
    );
  });

  it('names everything cluster mode lacks: its own token and its pod', () => {
    const { command, err } = run(['--upstream', 'https://10.0.0.1', '--virtualapp-name', 'sample']);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain(
      "ctrlmesh-proxy: --virtualapp-name needs --token-file (its own token reads the VirtualApp), --pod-name or POD_NAME (it reports on its own pod), --pod-namespace or POD_NAMESPACE (the VirtualApp is in the pod's namespace)",
    );
    const fromEnv = run(
      ['--upstream', 'https://10.0.0.1', '--virtualapp-name', 'sample', '--token-file', '/t'],
      { POD_NAME: 'p', POD_NAMESPACE: 'n' },
    );
    expect(fromEnv.err).toBe('');
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
