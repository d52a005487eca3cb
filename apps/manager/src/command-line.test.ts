import { defineManagerConfig } from '@ctrlmesh/manager-runtime';
import { describe, expect, it } from 'vitest';
import { readCommandLine, USAGE, VERSION } from './command-line.js';

const host = { hostname: 'node-a', pid: 42 };
const defaults = defineManagerConfig({ leaderElection: { identity: 'node-a_42' } });
const run = (
  argv: string[],
  hostOverrides: Partial<
    typeof host & { podNamespace: string; contextNamespace: (file: string) => string | undefined }
  > = {},
) => {
  const out: string[] = [];
  const err: string[] = [];
  const command = readCommandLine(
    argv,
    { ...host, ...hostOverrides },
    {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    },
  );
  return { command, out: out.join(''), err: err.join('') };
};

describe('readCommandLine', () => {
  // The defaults themselves are the schema's, listed in manager-runtime's config.test.ts: no flag
  // given, the command line adds nothing to them but the identity it makes from host and pid.
  it('applies the documented defaults', () => {
    expect(run([]).command).toEqual({
      kubeconfig: undefined,
      config: { namespace: undefined, ...defaults },
    });
  });

  it('reads every flag', () => {
    const { command } = run([
      '--kubeconfig=/tmp/kc',
      '--namespace=ops',
      '--leader-election-namespace=system',
      '--leader-election-lease-name=mgr',
      '--lease-duration=4s',
      '--renew-deadline=3s',
      '--retry-period=500ms',
      '--identity=replica-1',
      '--pod-grace-period=1m',
      '--revision-history-limit=3',
      '--admin-host=127.0.0.1',
      '--admin-port=0',
      '--log-level=debug',
      '--webhook-host=127.0.0.1',
      '--webhook-port=0',
      '--webhook-service-name=mgr-webhooks',
      '--webhook-namespace=certs',
      '--webhook-url-host=127.0.0.1',
      '--webhook-url-host=localhost',
      '--webhook-secret-name=mgr-certs',
      '--webhook-validating-configuration=mgr-v',
      '--webhook-mutating-configuration=mgr-m',
      '--webhook-cert-validity=2m',
      '--webhook-cert-renew-before=1m',
    ]);
    expect(command).toEqual({
      kubeconfig: '/tmp/kc',
      config: {
        namespace: 'ops',
        leaderElection: {
          namespace: 'system',
          leaseName: 'mgr',
          identity: 'replica-1',
          timings: { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 },
        },
        podGracePeriodMs: 60_000,
        revisionHistoryLimit: 3,
        admin: { host: '127.0.0.1', port: 0 },
        logLevel: 'debug',
        webhook: {
          host: '127.0.0.1',
          port: 0,
          serviceName: 'mgr-webhooks',
          namespace: 'certs',
          urlHosts: ['127.0.0.1', 'localhost'],
          secretName: 'mgr-certs',
          validatingConfigurationName: 'mgr-v',
          mutatingConfigurationName: 'mgr-m',
          certValidityMs: 120_000,
          certRenewBeforeMs: 60_000,
        },
        injection: defaults.injection,
      },
    });
  });

  it('reads the injection settings', () => {
    const { command } = run([
      '--proxy-image=localhost/ctrlmesh/proxy:0.2.0',
      '--proxy-image-pull-policy=Never',
      '--proxy-resources={"requests":{"cpu":"10m"}}',
      '--proxy-port=6443',
      '--proxy-admin-port=6441',
      '--proxy-webhook-port=6445',
      '--proxy-probe-period=10s',
      '--proxy-probe-timeout=1s',
      '--proxy-probe-failure-threshold=6',
      '--proxy-log-level=debug',
    ]);
    expect('config' in command && command.config.injection).toEqual({
      proxyImage: 'localhost/ctrlmesh/proxy:0.2.0',
      imagePullPolicy: 'Never',
      resources: { requests: { cpu: '10m' } },
      ports: { proxy: 6443, admin: 6441, webhook: 6445 },
      probes: { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 6 },
      logLevel: 'debug',
    });
  });

  it('reports bad injection settings under their flags', () => {
    const { command, err } = run([
      '--proxy-resources={"requests":{"cpu":"lots"}}',
      '--proxy-probe-period=1500ms',
      '--proxy-admin-port=5443',
      '--proxy-image-pull-policy=Sometimes',
    ]);
    expect(command).toEqual({ exit: 2 });
    expect(err).toBe(
      [
        'ctrlmesh-manager: invalid flags',
        '  --proxy-probe-period: must be whole seconds, got "1500ms"',
        '  --proxy-image-pull-policy: Invalid option: expected one of "Always"|"IfNotPresent"|"Never"',
        '  --proxy-resources: must be a Kubernetes quantity such as 100m or 64Mi',
        '  --proxy-port: the proxy, admin and webhook ports must differ, got 5443, 5443, 5445',
        '',
      ].join('\n'),
    );
  });

  it('puts the Lease in the watched namespace, else the pod namespace', () => {
    const lease = (argv: string[], podNamespace?: string) => {
      const { command } = run(argv, podNamespace === undefined ? {} : { podNamespace });
      return 'config' in command ? command.config.leaderElection.namespace : undefined;
    };
    expect(lease(['--namespace=ops'], 'ctrlmesh-system')).toBe('ops');
    expect(lease([], 'ctrlmesh-system')).toBe('ctrlmesh-system');
  });

  it('keeps the webhook Secret in the pod namespace unless told otherwise', () => {
    const secretNamespace = (argv: string[], podNamespace?: string) => {
      const { command } = run(argv, podNamespace === undefined ? {} : { podNamespace });
      return 'config' in command ? command.config.webhook.namespace : undefined;
    };
    expect(secretNamespace([], 'ctrlmesh-system')).toBe('ctrlmesh-system');
    expect(secretNamespace(['--webhook-namespace=certs'], 'ctrlmesh-system')).toBe('certs');
    // Outside a cluster the manager falls back to the Lease's namespace (webhookRotationOf).
    expect(secretNamespace([])).toBeUndefined();
  });

  it('outside a cluster, takes the Lease and webhook namespaces from the kubeconfig current context', () => {
    const asked: string[] = [];
    const contextNamespace = (file: string) => {
      asked.push(file);
      return 'dev';
    };
    const namespaces = (argv: string[], podNamespace?: string) => {
      const { command } = run(argv, {
        contextNamespace,
        ...(podNamespace === undefined ? {} : { podNamespace }),
      });
      return 'config' in command
        ? [command.config.leaderElection.namespace, command.config.webhook.namespace]
        : undefined;
    };
    const kubeconfig = '--kubeconfig=/home/me/.kube/config';
    expect(namespaces([kubeconfig])).toEqual(['dev', 'dev']);
    expect(asked).toEqual(['/home/me/.kube/config']);
    // Flags, then --namespace for the Lease, then the pod's namespace come first.
    expect(
      namespaces([kubeconfig, '--leader-election-namespace=locks', '--webhook-namespace=certs']),
    ).toEqual(['locks', 'certs']);
    expect(namespaces([kubeconfig, '--namespace=ops'])).toEqual(['ops', 'dev']);
    expect(namespaces([kubeconfig], 'ctrlmesh-system')).toEqual([
      'ctrlmesh-system',
      'ctrlmesh-system',
    ]);
    // In-cluster config (no --kubeconfig) has no context to ask.
    expect(namespaces([])).toEqual(['default', undefined]);
  });

  it('falls back to default when the kubeconfig context names no namespace', () => {
    const { command } = run(['--kubeconfig=k'], { contextNamespace: () => undefined });
    expect('config' in command && command.config.leaderElection.namespace).toBe('default');
    expect(USAGE).toMatch(/--kubeconfig current context, or default/);
  });

  it('prints usage and the version', () => {
    expect(run(['--help'])).toMatchObject({ command: { exit: 0 }, out: USAGE });
    expect(run(['--version'])).toMatchObject({ command: { exit: 0 }, out: `${VERSION}\n` });
  });

  it('refuses unknown flags with the usage', () => {
    const { command, err } = run(['--nope']);
    expect(command).toEqual({ exit: 2 });
    expect(err).toContain("Unknown option '--nope'");
    expect(err).toContain('Usage: ctrlmesh-manager');
  });

  it('reports every bad value at once', () => {
    const { command, err } = run([
      '--lease-duration=10s',
      '--renew-deadline=10s',
      '--retry-period=soon',
      '--revision-history-limit=1',
      '--admin-port=70000',
      '--log-level=loud',
      '--namespace=',
      '--webhook-cert-validity=1h',
      '--webhook-cert-renew-before=2h',
      '--webhook-url-host=',
    ]);
    expect(command).toEqual({ exit: 2 });
    expect(err).toBe(
      [
        'ctrlmesh-manager: invalid flags',
        '  --retry-period: must be a duration such as 15s, got "soon"',
        '  --namespace: Too small: expected string to have >=1 characters',
        '  --lease-duration: the lease duration must be greater than the renew deadline',
        '  --revision-history-limit: Too small: expected number to be >=2',
        '  --admin-port: Too big: expected number to be <=65535',
        '  --log-level: Invalid option: expected one of "debug"|"info"|"warn"|"error"',
        '  --webhook-url-host: Too small: expected string to have >=1 characters',
        '  --webhook-cert-renew-before: the renewal must start before the certificate expires (less than its validity)',
        '',
      ].join('\n'),
    );
  });
});
