import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canaryVirtualApp } from '../steps/canary-virtual-app.js';
import { givenProxyIdentity, givenVirtualApp } from '../steps/proxy.js';
import { eventually } from '../support/eventually.js';
import { adminKubeConfig } from '../support/kube-config.js';
import { proxyBinary } from '../support/mesh-proxy.js';

// A sidecar that cannot start must say why and exit, so that its pod restarts it and the reason
// shows in its status; one that hangs neither serves nor restarts.
describe('A proxy that cannot start says why and exits at once', () => {
  let workDir: string;
  let flags: string[];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-start-errors-'));
    const virtualAppFile = path.join(workDir, 'virtualapp.yaml');
    await givenVirtualApp(
      virtualAppFile,
      canaryVirtualApp({ name: 'start-errors', namespace: 'default', lock: 'start-errors' }),
    );
    const kas = inject('kas');
    // Everything a proxy needs to run against the real kube-apiserver, its own token included, so
    // that the namespace watch and the VirtualApp poller would start if nothing stopped them.
    flags = [
      `--virtualapp=${virtualAppFile}`,
      '--pod-name=start-errors-0',
      '--pod-namespace=default',
      '--pod-labels=app=go-sample,version=v1',
      '--listen-port=0',
      '--admin-port=0',
      `--upstream=${kas.url}`,
      `--upstream-ca-file=${kas.caFile}`,
      `--token-file=${await givenProxyIdentity(adminKubeConfig(), workDir)}`,
    ];
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(workDir, { recursive: true, force: true });
  });

  it.each([
    {
      what: 'its serving certificate cannot be read',
      args: ['--tls-cert-file=missing/tls.crt', '--tls-key-file=missing/tls.key'],
      error: /^ctrlmesh-proxy: cannot read the serving certificate: ENOENT.*missing\/tls\.crt/,
    },
    {
      what: "its serving certificate's CA cannot be written out",
      args: ['--tls-self-signed', '--tls-ca-out=missing/ca.crt'],
      error:
        /^ctrlmesh-proxy: cannot write the serving certificate's CA to missing\/ca\.crt: ENOENT/,
    },
    {
      what: 'its self-signed certificate cannot be kept',
      args: ['--tls-self-signed', '--tls-self-signed-state=missing/serving.pem'],
      error:
        /^ctrlmesh-proxy: cannot keep the serving certificate in missing\/serving\.pem: ENOENT/,
    },
  ])('exits non-zero when $what, with that one error (issue 9)', async ({ args, error }) => {
    const child = spawn(process.execPath, [proxyBinary, ...flags, ...args], {
      cwd: workDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exitCode = await eventually(
      () => {
        if (child.exitCode === null) throw new Error(`still running; stderr so far: ${stderr}`);
        return child.exitCode;
      },
      { what: 'the proxy to exit', timeoutMs: 10_000 },
    );
    expect(exitCode).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(error)]);
  });
});
