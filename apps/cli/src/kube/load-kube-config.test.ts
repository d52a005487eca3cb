import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../input-error.js';
import { capturedIo } from '../testing/captured-io.js';
import { loadKubeConfig } from './load-kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ctrlmesh-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ContextSpec {
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** Writes a kubeconfig with one cluster, user and context per entry of `contexts`. */
const kubeconfig = (
  file: string,
  contexts: Record<string, ContextSpec>,
  current?: string,
  server = 'https://127.0.0.1:6443',
): string => {
  const path = join(dir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  const entries = Object.entries(contexts);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.map(([, c]) => ({
        name: c.cluster,
        cluster: { server, 'certificate-authority': 'ca.crt' },
      })),
      users: entries.map(([, c]) => ({ name: c.user, user: { token: `token-of-${file}` } })),
      contexts: entries.map(([name, c]) => ({ name, context: c })),
      ...(current === undefined ? {} : { 'current-context': current }),
    }),
  );
  return path;
};

const first = kubeconfig(
  'first.yaml',
  { prod: { cluster: 'prod', user: 'admin', namespace: 'operators' } },
  'prod',
);
const second = kubeconfig(
  'second/second.yaml',
  {
    prod: { cluster: 'prod', user: 'admin', namespace: 'shadowed' },
    staging: { cluster: 'staging', user: 'dev' },
  },
  'staging',
  'https://staging.example:6443',
);
const none = join(dir, 'missing.yaml');

const load = (flags: Parameters<typeof loadKubeConfig>[1], env: Record<string, string> = {}) =>
  loadKubeConfig(capturedIo({ env }), flags);

describe('loading a kubeconfig as kubectl does', () => {
  it('reads --kubeconfig with its current context and that context namespace', () => {
    const loaded = load({ kubeconfig: first });
    expect(loaded).toMatchObject({ context: 'prod', namespace: 'operators', files: [first] });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });

  it('resolves paths inside a kubeconfig against its own folder', () => {
    const loaded = load({ kubeconfig: second, context: 'staging' });
    expect(loaded.kubeConfig.getCurrentCluster()?.caFile).toBe(join(dir, 'second', 'ca.crt'));
  });

  it('prefers --context and -n over the current context and its namespace', () => {
    const loaded = load({ kubeconfig: second, context: 'prod', namespace: 'team-a' });
    expect(loaded).toMatchObject({ context: 'prod', namespace: 'team-a' });
  });

  it('falls back to the default namespace when the context names none', () => {
    expect(load({ kubeconfig: second }).namespace).toBe('default');
  });

  it('merges the files of KUBECONFIG, the first to name a context or current-context winning', () => {
    const env = { KUBECONFIG: [first, none, second].join(delimiter) };
    const loaded = load({}, env);
    expect(loaded).toMatchObject({
      context: 'prod',
      namespace: 'operators',
      files: [first, second],
    });
    expect(loaded.kubeConfig.getCurrentUser()?.token).toBe('token-of-first.yaml');
    const staging = load({ context: 'staging' }, env);
    expect(staging.kubeConfig.getCurrentCluster()?.server).toBe('https://staging.example:6443');
    expect(staging.kubeConfig.getCurrentUser()?.token).toBe('token-of-second/second.yaml');
  });

  it('uses --kubeconfig alone, ignoring KUBECONFIG', () => {
    const loaded = load({ kubeconfig: second }, { KUBECONFIG: first });
    expect(loaded.context).toBe('staging');
  });

  it('reads ~/.kube/config when neither the flag nor KUBECONFIG is set', () => {
    const home = join(dir, 'home');
    kubeconfig('home/.kube/config', { home: { cluster: 'home', user: 'me' } }, 'home');
    expect(load({}, { HOME: home }).context).toBe('home');
  });

  it('refuses what kubectl refuses, saying what is wrong', () => {
    expect(() => load({ kubeconfig: none })).toThrow(InputError);
    expect(() => load({ kubeconfig: first, context: 'nope' })).toThrow(
      `context "nope" is not in ${first}`,
    );
    expect(() => load({}, { KUBECONFIG: none })).toThrow(/no kubeconfig found/);
    const noCurrent = kubeconfig('no-current.yaml', { a: { cluster: 'a', user: 'a' } });
    expect(() => load({ kubeconfig: noCurrent })).toThrow(
      /no current context; pass --context NAME \(one of: a\)/,
    );
    const notYaml = join(dir, 'not-yaml.yaml');
    writeFileSync(notYaml, 'clusters: [');
    expect(() => load({ kubeconfig: notYaml })).toThrow(`${notYaml} is not a kubeconfig`);
  });
});
