import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CoreV1Api,
  type KubeConfig,
  type V1Container,
  type V1Pod,
  type V1Volume,
} from '@kubernetes/client-node';

/**
 * Plays a container runtime for one Pod object on a machine without one (tests only; needs root
 * for mount namespaces): makes each of the pod's volumes as a folder, as kubelet would, and runs a
 * container as a process in its own mount namespace where every volumeMount is bind-mounted at its
 * mountPath (over a private tmpfs on /run, so nothing of the host shows there). The process sees
 * the files and environment the pod spec describes, and nothing of the test's own.
 */
export interface PodRuntime {
  /** The folder each volume was made in, by volume name. */
  readonly volumes: ReadonlyMap<string, string>;
  /** The environment kubelet gives `container`: the service variables, then its own env. */
  env(container: V1Container): Record<string, string>;
  /** Starts `container` of the pod with `command` (the image's entrypoint, on this machine). */
  run(container: V1Container, command: readonly string[], logFile: string): ChildProcess;
}

/** Where the pod's processes reach the apiserver: what kubelet's service env would say. */
export interface KubernetesService {
  readonly host: string;
  readonly port: string;
  /** The apiserver's CA (the kube-root-ca.crt ConfigMap's `ca.crt`). */
  readonly caFile: string;
}

const labelsFile = (labels: Record<string, string>) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n');

const fieldOf = (pod: V1Pod, fieldPath: string): string => {
  if (fieldPath === 'metadata.name') return pod.metadata?.name ?? '';
  if (fieldPath === 'metadata.namespace') return pod.metadata?.namespace ?? '';
  if (fieldPath === 'metadata.labels') return labelsFile(pod.metadata?.labels ?? {});
  if (fieldPath === 'spec.serviceAccountName') return pod.spec?.serviceAccountName ?? 'default';
  throw new Error(`the pod runtime does not project ${fieldPath}`);
};

/**
 * Makes the volumes of `pod` (which must exist on the apiserver: projected tokens are bound to
 * it) under `dir`: emptyDir, downwardAPI, and projected service-account tokens, ConfigMap
 * `kube-root-ca.crt` (the apiserver's CA; kas runs no root-CA publisher) and downward API items.
 */
export async function startPodRuntime(
  admin: KubeConfig,
  pod: V1Pod,
  service: KubernetesService,
  dir: string,
): Promise<PodRuntime> {
  const core = admin.makeApiClient(CoreV1Api);
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const token = async (expirationSeconds: number) => {
    const request = await core.createNamespacedServiceAccountToken({
      name: pod.spec?.serviceAccountName ?? 'default',
      namespace,
      body: {
        spec: {
          audiences: [],
          expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid: pod.metadata?.uid },
        },
      },
    });
    return request.status?.token ?? '';
  };
  const make = async (volume: V1Volume): Promise<string> => {
    const at = path.join(dir, volume.name);
    await mkdir(at, { recursive: true });
    const files: [string, string][] = [];
    for (const source of volume.projected?.sources ?? []) {
      if (source.serviceAccountToken) {
        files.push([
          source.serviceAccountToken.path,
          await token(source.serviceAccountToken.expirationSeconds ?? 3600),
        ]);
      }
      if (source.configMap) {
        if (source.configMap.name !== 'kube-root-ca.crt')
          throw new Error(`the pod runtime projects ConfigMap kube-root-ca.crt only`);
        for (const item of source.configMap.items ?? [])
          files.push([item.path, await readFile(service.caFile, 'utf8')]);
      }
      for (const item of source.downwardAPI?.items ?? [])
        files.push([item.path, fieldOf(pod, item.fieldRef?.fieldPath ?? '')]);
    }
    for (const item of volume.downwardAPI?.items ?? [])
      files.push([item.path, fieldOf(pod, item.fieldRef?.fieldPath ?? '')]);
    for (const [file, content] of files) await writeFile(path.join(at, file), content);
    // An emptyDir is writable by any user of the pod, as kubelet makes it.
    if (volume.emptyDir) await chmod(at, 0o777);
    return at;
  };
  const volumes = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) volumes.set(volume.name, await make(volume));

  const envOf = (container: V1Container): Record<string, string> => {
    // kubelet's service environment first; the container's own env wins over it.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBERNETES_SERVICE_HOST: service.host,
      KUBERNETES_SERVICE_PORT: service.port,
    };
    for (const variable of container.env ?? []) {
      const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
      env[variable.name] =
        fieldPath === undefined ? (variable.value ?? '') : fieldOf(pod, fieldPath);
    }
    return env;
  };

  return {
    volumes,
    env: envOf,
    run(container, command, logFile) {
      const mounts = (container.volumeMounts ?? []).flatMap((mount) => {
        const from = volumes.get(mount.name);
        if (from === undefined) throw new Error(`volume ${mount.name} is not in the pod`);
        if (!mount.mountPath.startsWith('/var/run/') && !mount.mountPath.startsWith('/run/'))
          throw new Error(`the pod runtime mounts under /var/run only, not ${mount.mountPath}`);
        const bind = `mkdir -p '${mount.mountPath}' && mount --bind '${path.join(from, mount.subPath ?? '')}' '${mount.mountPath}'`;
        return mount.readOnly
          ? [`${bind} && mount -o remount,bind,ro '${mount.mountPath}'`]
          : [bind];
      });
      const script = ['mount -t tmpfs tmpfs /run', ...mounts, 'exec "$@"'].join(' && ');
      const log = openSync(logFile, 'a');
      const child = spawn(
        'unshare',
        ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', ...command],
        { env: envOf(container), stdio: ['ignore', log, log] },
      );
      closeSync(log);
      return child;
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
