import { ProxyConfigSchema } from '@ctrlmesh/proxy-runtime';
import { describe, expect, it } from 'vitest';
import { configSources, describeConfigProblems } from './config-sources.js';
import { OPTIONS } from './flags.js';

describe('configSources', () => {
  it('finds the schema path of every flag that takes a value', () => {
    const named = new Set([...configSources().values()].flat());
    const valued = Object.entries(OPTIONS).filter(([, option]) => option.type === 'string');
    expect(valued.map(([name]) => `--${name}`).filter((flag) => !named.has(flag))).toEqual([]);
  });

  it('names the environment variables beside the flags they stand in for', () => {
    const sources = configSources();
    expect(sources.get('pod.name')).toEqual(['--pod-name', 'POD_NAME']);
    expect(sources.get('pod.labels')).toEqual(['--pod-labels', '--pod-labels-file', 'POD_LABELS']);
    expect(sources.get('upstream.url')).toEqual([
      '--upstream',
      '--kubeconfig',
      'KUBERNETES_SERVICE_HOST',
      'KUBERNETES_SERVICE_PORT',
    ]);
  });
});

describe('describeConfigProblems', () => {
  it('leads each problem with the flags and variables that set its path (issue 9)', () => {
    const parsed = ProxyConfigSchema.safeParse({
      pod: { namespace: 'n' },
      listen: { port: 70_000 },
      upstream: { url: 'https://10.0.0.1' },
    });
    const lines = describeConfigProblems(parsed.error?.issues ?? []).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^✖ --pod-name \/ POD_NAME \(pod\.name\): Invalid input/);
    expect(lines[1]).toMatch(/^✖ --listen-port \(listen\.port\): Too big/);
  });

  it('gives the path alone where no flag sets it', () => {
    const parsed = ProxyConfigSchema.safeParse({
      pod: { name: 'p', namespace: 'n' },
      upstream: { url: 'https://10.0.0.1' },
      limits: { maxListBytes: 0 },
    });
    expect(describeConfigProblems(parsed.error?.issues ?? [])).toMatch(
      /^✖ limits\.maxListBytes: Too small/,
    );
  });
});
