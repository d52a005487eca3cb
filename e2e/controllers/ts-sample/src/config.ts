import { parseDuration } from './duration.js';
import { isLabelValue, LABEL_VALUE_RULE } from './label-value.js';

/** Leader-election timings in milliseconds, as client-go names them. */
export interface LeaseTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Everything the sample controller reads from its environment, validated. */
export interface Config {
  /** Replica name: Lease holder identity, annotation values, logs. */
  podName: string;
  /** Namespace of the Lease. */
  podNamespace: string;
  /** Written next to the pod name in the reconciled-by annotation. */
  version: string;
  /**
   * Value of the watch label that selects the ConfigMaps this replica reconciles; tests give each
   * run of a controller its own, so controllers never see each other's objects.
   */
  watchValue: string;
  /** Lease name; undefined turns leader election off. */
  leaderElectionName: string | undefined;
  timings: LeaseTimings;
  /** Undefined turns the webhook off. */
  webhook: { host: string; port: number; certDir: string } | undefined;
}

/** The outcome of reading the environment: a config, or every problem found. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Reads the same variables, defaults and rules as the Go sample's LoadConfig (see
 * e2e/controllers/README.md) and reports every problem at once.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const problems: string[] = [];
  const read = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const required = (name: string): string => {
    const value = read(name);
    if (value === undefined) problems.push(`${name} is required`);
    return value ?? '';
  };
  const duration = (name: string, fallbackMs: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallbackMs;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) {
      problems.push(`${name} must be a positive duration such as 4s, got "${raw}"`);
      return fallbackMs;
    }
    return ms;
  };

  const podName = required('POD_NAME');
  const podNamespace = read('POD_NAMESPACE') ?? '';
  const leaderElectionName = read('LEADER_ELECTION_NAME');
  const watchValue = read('WATCH_VALUE') ?? 'true';
  if (!isLabelValue(watchValue)) {
    problems.push(`WATCH_VALUE must be a label value (${LABEL_VALUE_RULE}), got "${watchValue}"`);
  }
  // client-go's defaults; tests shorten them to fail over within seconds.
  const timings: LeaseTimings = {
    leaseDurationMs: duration('LEASE_DURATION', 15_000),
    renewDeadlineMs: duration('RENEW_DEADLINE', 10_000),
    retryPeriodMs: duration('RETRY_PERIOD', 2_000),
  };
  if (leaderElectionName !== undefined) {
    if (podNamespace === '') {
      problems.push(
        'POD_NAMESPACE is required when LEADER_ELECTION_NAME is set (it holds the Lease)',
      );
    }
    // The ordering client-go's NewLeaderElector insists on.
    if (timings.leaseDurationMs <= timings.renewDeadlineMs) {
      problems.push('LEASE_DURATION must be greater than RENEW_DEADLINE');
    }
    if (timings.renewDeadlineMs <= timings.retryPeriodMs) {
      problems.push('RENEW_DEADLINE must be greater than RETRY_PERIOD');
    }
  }

  let webhook: Config['webhook'];
  const rawPort = read('WEBHOOK_PORT');
  if (rawPort !== undefined) {
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port < 1 || port > 65_535) {
      problems.push(`WEBHOOK_PORT must be a port number, got "${rawPort}"`);
    }
    const certDir = read('WEBHOOK_CERT_DIR');
    if (certDir === undefined) {
      problems.push(
        'WEBHOOK_CERT_DIR is required when WEBHOOK_PORT is set (it holds tls.crt and tls.key)',
      );
    }
    webhook = { host: read('WEBHOOK_HOST') ?? '127.0.0.1', port, certDir: certDir ?? '' };
  }

  const contentType = read('KUBE_CONTENT_TYPE');
  if (contentType !== undefined && contentType !== 'json') {
    // client-node has no protobuf codec; the Go sample is the protobuf client.
    problems.push(`KUBE_CONTENT_TYPE must be json for the TypeScript sample, got "${contentType}"`);
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      podName,
      podNamespace,
      version: read('VERSION') ?? 'v0',
      watchValue,
      leaderElectionName,
      timings,
      webhook,
    },
  };
}
