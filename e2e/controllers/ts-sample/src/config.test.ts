import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({ POD_NAME: 'p-0' })).toEqual({
      ok: true,
      config: {
        podName: 'p-0',
        podNamespace: '',
        version: 'v0',
        watchValue: 'true',
        leaderElectionName: undefined,
        timings: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
        webhook: undefined,
      },
    });
  });

  it('reads every setting', () => {
    const result = loadConfig({
      POD_NAME: 'p-0',
      POD_NAMESPACE: 'ns',
      VERSION: 'v2',
      WATCH_VALUE: 'run-1a2b3c',
      LEADER_ELECTION_NAME: 'lock',
      LEASE_DURATION: '4s',
      RENEW_DEADLINE: '3s',
      RETRY_PERIOD: '1s',
      WEBHOOK_PORT: '9443',
      WEBHOOK_CERT_DIR: '/certs',
      WEBHOOK_HOST: '0.0.0.0',
      KUBE_CONTENT_TYPE: 'json',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        podName: 'p-0',
        podNamespace: 'ns',
        version: 'v2',
        watchValue: 'run-1a2b3c',
        leaderElectionName: 'lock',
        timings: { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 1000 },
        webhook: { host: '0.0.0.0', port: 9443, certDir: '/certs' },
      },
    });
  });

  it('treats empty variables as unset', () => {
    const result = loadConfig({ POD_NAME: 'p-0', LEADER_ELECTION_NAME: '', WEBHOOK_PORT: '' });
    expect(result.ok && result.config.leaderElectionName).toBeUndefined();
    expect(result.ok && result.config.webhook).toBeUndefined();
  });

  it('rejects a WATCH_VALUE the apiserver would not take as a label value', () => {
    for (const value of ['-run', 'run-', 'a/b', 'a'.repeat(64)]) {
      const result = loadConfig({ POD_NAME: 'p-0', WATCH_VALUE: value });
      expect(result.ok ? [] : result.problems).toEqual([
        expect.stringContaining(`WATCH_VALUE must be a label value`),
      ]);
    }
  });

  it('reports every problem at once', () => {
    const result = loadConfig({
      LEADER_ELECTION_NAME: 'lock',
      LEASE_DURATION: '3s',
      RENEW_DEADLINE: '3s',
      RETRY_PERIOD: 'soon',
      WEBHOOK_PORT: '70000',
      KUBE_CONTENT_TYPE: 'protobuf',
      WATCH_VALUE: 'not a label',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        'POD_NAME is required',
        `WATCH_VALUE must be a label value (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric), got "not a label"`,
        'RETRY_PERIOD must be a positive duration such as 4s, got "soon"',
        'POD_NAMESPACE is required when LEADER_ELECTION_NAME is set (it holds the Lease)',
        'LEASE_DURATION must be greater than RENEW_DEADLINE',
        'WEBHOOK_PORT must be a port number, got "70000"',
        'WEBHOOK_CERT_DIR is required when WEBHOOK_PORT is set (it holds tls.crt and tls.key)',
        'KUBE_CONTENT_TYPE must be json for the TypeScript sample, got "protobuf"',
      ],
    });
  });
});
