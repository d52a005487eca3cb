import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyConfigSchema } from '@ctrlmesh/proxy-runtime';
import { describe, expect, it } from 'vitest';
import { parseFlags, parseLabels, USAGE, VERSION } from './flags.js';

const dir = mkdtempSync(join(tmpdir(), 'flags-'));

describe('parseFlags', () => {
  it('builds a valid config from flags and the in-cluster environment', () => {
    const flags = parseFlags(
      ['--virtualapp', '/etc/vapp.yaml', '--pod-labels', 'app=sample,version=v2'],
      {
        POD_NAME: 'sample-0',
        POD_NAMESPACE: 'apps',
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      },
    );
    expect(flags.help).toBe(false);
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.pod).toEqual({
      name: 'sample-0',
      namespace: 'apps',
      labels: { app: 'sample', version: 'v2' },
    });
    expect(config.upstream).toMatchObject({
      url: 'https://10.0.0.1:443',
      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(config.routes.virtualAppFile).toBe('/etc/vapp.yaml');
    expect(config.routes.maxFileBytes).toBe(1024 * 1024);
    expect(config.policies.file).toBeUndefined();
  });

  it('takes traffic policies from --traffic-policy, and documents it in --help', () => {
    const flags = parseFlags(
      ['--virtualapp', '/etc/vapp.yaml', '--traffic-policy', '/etc/policies.yaml'],
      {
        POD_NAME: 'p',
        POD_NAMESPACE: 'n',
        KUBERNETES_SERVICE_HOST: 'h',
        KUBERNETES_SERVICE_PORT: '1',
      },
    );
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.policies.file).toBe('/etc/policies.yaml');
    expect(USAGE).toContain('--traffic-policy FILE');
  });

  it('sets the largest routes file it reads (issue 9)', () => {
    const flags = parseFlags(
      ['--virtualapp', '/etc/vapp.yaml', '--max-routes-file-bytes', '4194304'],
      { POD_NAME: 'p', POD_NAMESPACE: 'ns', KUBERNETES_SERVICE_HOST: '10.0.0.1' },
    );
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.routes.maxFileBytes).toBe(4 * 1024 * 1024);
  });

  it('turns the webhook front on with its flags, and reports a missing controller port', () => {
    const base = [
      '--upstream',
      'https://127.0.0.1:6443',
      '--pod-name',
      'p',
      '--pod-namespace',
      'n',
    ];
    const off = parseFlags(base, {});
    expect(ProxyConfigSchema.parse(off.help ? {} : off.input).webhook).toBeUndefined();
    const on = parseFlags(
      [
        ...base,
        '--webhook-cert-dir=/certs',
        '--webhook-controller-port=9443',
        '--webhook-peers=/etc/peers.yaml',
        '--webhook-failure-policy=Ignore',
      ],
      {},
    );
    expect(ProxyConfigSchema.parse(on.help ? {} : on.input).webhook).toEqual({
      host: '0.0.0.0',
      port: 5445,
      certDir: '/certs',
      controllerPort: 9443,
      peersFile: '/etc/peers.yaml',
      failurePolicy: 'Ignore',
      attemptTimeoutMs: 4000,
      totalTimeoutMs: 9000,
      certPollMs: 2000,
    });
    const half = parseFlags([...base, '--webhook-cert-dir=/certs'], {});
    const parsed = ProxyConfigSchema.safeParse(half.help ? {} : half.input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues.map((issue) => issue.path))).toContain(
      '["webhook","controllerPort"]',
    );
  });

  it('takes the apiserver and its CA from a kubeconfig', () => {
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'current-context: c',
        'contexts: [{name: c, context: {cluster: k, user: u}}]',
        `clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: "${Buffer.from('PEM').toString('base64')}"}}]`,
        'users: [{name: u, user: {token: secret}}]',
      ].join('\n'),
    );
    const flags = parseFlags(['--kubeconfig', file, '--pod-name', 'p', '--pod-namespace', 'n'], {});
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.upstream).toMatchObject({ url: 'https://127.0.0.1:6443', caData: 'PEM' });
    expect(JSON.stringify(config)).not.toContain('secret');
  });

  it('refuses a kubeconfig whose current-context names no context, as kubectl does (issue 9)', () => {
    const file = join(dir, 'kubeconfig-missing-context');
    writeFileSync(
      file,
      [
        'current-context: gone',
        'contexts: [{name: c, context: {cluster: k}}]',
        'clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443"}}]',
      ].join('\n'),
    );
    expect(() =>
      parseFlags(['--kubeconfig', file, '--pod-name', 'p', '--pod-namespace', 'n'], {}),
    ).toThrow(`kubeconfig ${file}: context was not found for specified context: gone`);
  });

  it("resolves a kubeconfig's relative certificate-authority from its folder (issue 9)", () => {
    const folder = mkdtempSync(join(dir, 'kube-'));
    const file = join(folder, 'config');
    writeFileSync(
      file,
      [
        'current-context: c',
        'contexts: [{name: c, context: {cluster: k}}]',
        'clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443", certificate-authority: certs/ca.crt}}]',
      ].join('\n'),
    );
    const flags = parseFlags(['--kubeconfig', file, '--pod-name', 'p', '--pod-namespace', 'n'], {});
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.upstream.caFile).toBe(join(folder, 'certs', 'ca.crt'));
  });

  it("takes a kubeconfig's CA over the service account's inside a pod", () => {
    const file = join(dir, 'kubeconfig-ca-data');
    writeFileSync(
      file,
      [
        'current-context: c',
        'contexts: [{name: c, context: {cluster: k}}]',
        `clusters: [{name: k, cluster: {server: "https://10.1.2.3:6443", certificate-authority-data: "${Buffer.from('PEM').toString('base64')}"}}]`,
      ].join('\n'),
    );
    const flags = parseFlags(['--kubeconfig', file, '--pod-name', 'p', '--pod-namespace', 'n'], {
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
    });
    const config = ProxyConfigSchema.parse(flags.help ? {} : flags.input);
    expect(config.upstream).toMatchObject({ url: 'https://10.1.2.3:6443', caData: 'PEM' });
    expect(config.upstream.caFile).toBeUndefined();
  });

  it('serves HTTPS with a given or a self-made certificate', () => {
    const base = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];
    const given = parseFlags([...base, '--tls-cert-file', 'c.pem', '--tls-key-file', 'k.pem'], {});
    const made = parseFlags([...base, '--tls-self-signed', '--tls-ca-out', '/run/ca.crt'], {});
    expect(ProxyConfigSchema.parse(given.help ? {} : given.input).listen.tls).toEqual({
      mode: 'files',
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    expect(ProxyConfigSchema.parse(made.help ? {} : made.input).listen.tls).toEqual({
      mode: 'self-signed',
      caOutFile: '/run/ca.crt',
    });
  });

  it('keeps the self-made certificate in the file --tls-self-signed-state names, and documents it in --help', () => {
    const base = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];
    const kept = parseFlags(
      [...base, '--tls-self-signed', '--tls-self-signed-state', '/run/state/serving.pem'],
      {},
    );
    expect(ProxyConfigSchema.parse(kept.help ? {} : kept.input).listen.tls).toEqual({
      mode: 'self-signed',
      stateFile: '/run/state/serving.pem',
    });
    expect(USAGE).toContain('--tls-self-signed-state FILE');
  });

  it('links the service account beside the self-made CA when asked', () => {
    const base = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];
    const ca = ['--tls-self-signed', '--tls-ca-out', '/run/sa/ca.crt'];
    const linked = parseFlags([...base, ...ca, '--serviceaccount-from', '/run/token'], {});
    expect(ProxyConfigSchema.parse(linked.help ? {} : linked.input).listen.tls).toEqual({
      mode: 'self-signed',
      caOutFile: '/run/sa/ca.crt',
      serviceAccountFrom: '/run/token',
    });
    const alone = parseFlags(
      [...base, '--tls-self-signed', '--serviceaccount-from', '/run/token'],
      {},
    );
    expect(
      ProxyConfigSchema.safeParse(alone.help ? {} : alone.input).error?.issues[0],
    ).toMatchObject({
      path: ['listen', 'tls', 'serviceAccountFrom'],
      message: 'serviceAccountFrom needs caOutFile: the links are made beside the CA',
    });
  });

  it('sets the connection budgets for short and long-running requests apart (issue 9)', () => {
    const base = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];
    const defaults = parseFlags(base, {});
    expect(ProxyConfigSchema.parse(defaults.help ? {} : defaults.input).upstream).toMatchObject({
      connections: 64,
      longRunningConnections: 1024,
    });
    const given = parseFlags(
      [...base, '--upstream-connections=16', '--upstream-long-running-connections', '4096'],
      {},
    );
    expect(ProxyConfigSchema.parse(given.help ? {} : given.input).upstream).toMatchObject({
      connections: 16,
      longRunningConnections: 4096,
    });
  });

  it('turns HTTP/2 to the apiserver on only with --upstream-http2', () => {
    const base = ['--pod-name', 'p', '--pod-namespace', 'n', '--upstream', 'https://10.0.0.1'];
    const upstreamOf = (args: string[]) => {
      const parsed = parseFlags(args, {});
      return ProxyConfigSchema.parse(parsed.help ? {} : parsed.input).upstream;
    };
    expect(upstreamOf(base).http2).toBe(false);
    expect(upstreamOf([...base, '--upstream-http2']).http2).toBe(true);
  });

  it('reads pod labels in the downward API format', () => {
    expect(parseLabels('app="sample"\nversion="v2"\n', /\n/)).toEqual({
      app: 'sample',
      version: 'v2',
    });
  });

  it('answers --help and --version, and refuses unknown flags', () => {
    expect(parseFlags(['--help'], {})).toEqual({ help: true, text: USAGE });
    expect(parseFlags(['--version'], {})).toEqual({ help: true, text: `${VERSION}\n` });
    expect(() => parseFlags(['--nope'], {})).toThrow(/Unknown option/);
  });
});
