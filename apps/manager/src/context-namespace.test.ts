import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextNamespace } from './context-namespace.js';

const kubeconfigFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'context-namespace-')), 'config');
  writeFileSync(file, text);
  return file;
};

const kubeconfig = (current: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://127.0.0.1:6443 }
users:
- name: u
  user: { token: t }
contexts:
- name: with-namespace
  context: { cluster: c, user: u, namespace: dev }
- name: without-namespace
  context: { cluster: c, user: u }
current-context: ${current}
`;

describe('contextNamespace', () => {
  it("reads the current context's namespace", () => {
    expect(contextNamespace(kubeconfigFile(kubeconfig('with-namespace')))).toBe('dev');
  });

  it('is undefined when the current context names none, or the file cannot be read', () => {
    expect(contextNamespace(kubeconfigFile(kubeconfig('without-namespace')))).toBeUndefined();
    expect(contextNamespace(kubeconfigFile('{not yaml: ['))).toBeUndefined();
    expect(contextNamespace(join(tmpdir(), 'no-such-kubeconfig'))).toBeUndefined();
  });
});
