import { describe, expect, it } from 'vitest';
import { kubeconfigUpstream } from './kubeconfig-upstream.js';

const kubeconfig = (currentContext: string, cluster: string) =>
  [
    `current-context: ${currentContext}`,
    'contexts: [{name: c, context: {cluster: k, user: u}}]',
    `clusters: [{name: k, cluster: ${cluster}}]`,
    'users: [{name: u, user: {exec: {command: never-run}}}]',
  ].join('\n');

describe('kubeconfigUpstream', () => {
  it('takes the server and CA of the current context, whatever its user', () => {
    const text = kubeconfig(
      'c',
      '{server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}',
    );
    expect(kubeconfigUpstream('/etc/kube/config', text)).toEqual({
      url: 'https://10.0.0.1:6443',
      insecureSkipTlsVerify: true,
    });
  });

  it('refuses a kubeconfig without a current-context rather than pick one', () => {
    expect(() => kubeconfigUpstream('k.yaml', kubeconfig('""', '{server: "https://x"}'))).toThrow(
      'kubeconfig k.yaml: current-context is not set',
    );
    expect(() => kubeconfigUpstream('empty.yaml', '')).toThrow(
      'kubeconfig empty.yaml: current-context is not set',
    );
  });

  it('refuses a current context whose cluster has no server', () => {
    const noServer = kubeconfig('c', '{certificate-authority: ca.crt}');
    expect(() => kubeconfigUpstream('k.yaml', noServer)).toThrow(
      'kubeconfig k.yaml: no server found for cluster "k"',
    );
  });

  it('resolves the CA file from the kubeconfig folder, and prefers the CA data as client-go does', () => {
    const file = kubeconfig('c', '{server: "https://x", certificate-authority: ../pki/ca.crt}');
    expect(kubeconfigUpstream('/etc/kube/config', file).caFile).toBe('/etc/pki/ca.crt');
    const both = kubeconfig(
      'c',
      `{server: "https://x", certificate-authority: ca.crt, certificate-authority-data: "${Buffer.from('PEM').toString('base64')}"}`,
    );
    expect(kubeconfigUpstream('/etc/kube/config', both)).toEqual({
      url: 'https://x',
      caData: 'PEM',
    });
  });
});
