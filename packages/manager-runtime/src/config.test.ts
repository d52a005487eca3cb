import { describe, expect, it } from 'vitest';
import { defineManagerConfig, ManagerConfigSchema } from './config.js';

describe('ManagerConfigSchema', () => {
  it('holds every default', () => {
    expect(defineManagerConfig({ leaderElection: { identity: 'node-a_42' } })).toEqual({
      leaderElection: {
        namespace: 'default',
        leaseName: 'ctrlmesh-manager',
        identity: 'node-a_42',
        timings: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      },
      podGracePeriodMs: 30_000,
      revisionHistoryLimit: 10,
      admin: { host: '0.0.0.0', port: 9090 },
      logLevel: 'info',
      webhook: {
        host: '0.0.0.0',
        port: 9443,
        serviceName: 'ctrlmesh-manager',
        urlHosts: [],
        secretName: 'ctrlmesh-webhook-certs',
        validatingConfigurationName: 'ctrlmesh',
        mutatingConfigurationName: 'ctrlmesh',
        certValidityMs: 365 * 86_400_000,
        certRenewBeforeMs: 30 * 86_400_000,
      },
      injection: {
        proxyImage: 'localhost/ctrlmesh/proxy:latest',
        resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
        ports: { proxy: 5443, admin: 5441, webhook: 5445 },
        probes: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        logLevel: 'info',
      },
    });
  });

  it('refuses a certificate renewal that would start after the certificate expired', () => {
    const result = ManagerConfigSchema.safeParse({
      leaderElection: { identity: 'a' },
      webhook: { certValidityMs: 60_000, certRenewBeforeMs: 60_000 },
    });
    expect(
      result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]),
    ).toEqual([
      [
        'webhook.certRenewBeforeMs',
        'the renewal must start before the certificate expires (less than its validity)',
      ],
    ]);
  });

  it('refuses timings in which a leader could overlap its successor, with their paths', () => {
    const result = ManagerConfigSchema.safeParse({
      leaderElection: {
        identity: 'a',
        timings: { leaseDurationMs: 3000, renewDeadlineMs: 3000, retryPeriodMs: 3000 },
      },
    });
    expect(
      result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]),
    ).toEqual([
      [
        'leaderElection.timings.leaseDurationMs',
        'the lease duration must be greater than the renew deadline',
      ],
      [
        'leaderElection.timings.renewDeadlineMs',
        'the renew deadline must be greater than the retry period',
      ],
    ]);
  });

  it('keeps at least the current and the previous revision', () => {
    expect(
      ManagerConfigSchema.safeParse({ leaderElection: { identity: 'a' }, revisionHistoryLimit: 1 })
        .success,
    ).toBe(false);
  });
});
