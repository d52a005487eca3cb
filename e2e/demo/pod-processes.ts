import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { KubeConfig, V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import {
  type ExitStatus,
  type LoggedProcess,
  startLoggedProcess,
} from '../support/logged-process.js';
import { startPodRuntime } from '../support/pod-runtime.js';
import type { PretendKubelet, PretendPod } from '../support/pretend-kubelet.js';
import type { KasReadyFile } from '../support/ready-file.js';

const repo = path.resolve(import.meta.dirname, '../..');

/** How an image's entrypoint runs here, and how its program takes a kubeconfig. */
interface Entrypoint {
  command: string[];
  /**
   * How the program is told what it would read from the in-cluster files: `flags` gives its
   * flags for a kubeconfig file and the pod's namespace; `env` means it reads `KUBECONFIG`;
   * `none`, that it reads no in-cluster config.
   */
  kubeconfig: { flags: (file: string, namespace: string) => string[] } | 'env' | 'none';
}

/** The images of the demo (by repository, without registry or tag) and their entrypoints. */
const entrypoints: Record<string, Entrypoint> = {
  'ctrlmesh/manager': {
    command: [process.execPath, path.join(repo, 'apps/manager/dist/main.js')],
    // Its Lease and webhook Secret live in the namespace of its service-account files.
    kubeconfig: {
      flags: (file, namespace) => [
        `--kubeconfig=${file}`,
        `--leader-election-namespace=${namespace}`,
      ],
    },
  },
  'ctrlmesh/proxy': {
    command: [process.execPath, path.join(repo, 'apps/proxy/dist/main.js')],
    kubeconfig: 'none',
  },
  'ctrlmesh/go-sample': {
    command: [path.join(repo, 'e2e/controllers/go-sample/bin/go-sample')],
    kubeconfig: 'env',
  },
};

const repositoryOf = (image: string) =>
  image
    .replace(/^localhost\//, '')
    .replace(/@.*$/, '')
    .replace(/:[^/]*$/, '');

/** Where in-cluster clients look for their credentials (client-go, client-node). */
const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** One container of a pod, running as a process. */
export interface ContainerProcess {
  readonly name: string;
  /** The command line it was started with (the image's entrypoint, then its adjusted args). */
  readonly argv: readonly string[];
  /** The kubeconfig it was given in place of its in-cluster files, if its program reads them. */
  readonly kubeconfig: string | undefined;
  readonly process: LoggedProcess;
}

/** A pod whose containers run as processes on this machine. */
export interface PodProcesses {
  readonly pod: PretendPod;
  readonly containers: readonly ContainerProcess[];
  /** Each port the pod spec names, and the one on 127.0.0.1 it got here. */
  readonly ports: ReadonlyMap<number, number>;
  /** The folder each volume was made in, by volume name. */
  readonly volumes: ReadonlyMap<string, string>;
  /** Whether every container still runs, with the pids it started with. */
  unchanged(): boolean;
  /** Stops the app containers, then the sidecars (SIGTERM, SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ name: string; status: ExitStatus }[]>;
}

/** What running a pod needs. */
export interface PodProcessesOptions {
  admin: KubeConfig;
  kas: KasReadyFile;
  kubelet: PretendKubelet;
  /** The pod's folders (volumes, kubeconfig) and `<pod>.<container>.log` go under it. */
  workDir: string;
  /** Ports other pods of this machine have: a port of this pod that is among them is moved. */
  takenPorts: Set<number>;
}

/** Whether `port` can be listened on (on every address) now. */
export const portIsFree = async (port: number): Promise<boolean> => {
  const server = createServer();
  server.listen(port, '0.0.0.0');
  const ok = await Promise.race([
    once(server, 'listening').then(() => true),
    once(server, 'error').then(() => false),
  ]);
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
};

const portArg = /^(--[a-z-]*port)=(\d+)$/;

/** Every port number the pod names: container ports, `--*-port=N` args, a port-valued env. */
const portsNamed = (pod: V1Pod): number[] => {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const ports = new Set<number>();
  for (const container of all) {
    for (const port of container.ports ?? []) ports.add(port.containerPort);
    for (const arg of container.args ?? []) {
      const match = portArg.exec(arg);
      if (match) ports.add(Number(match[2]));
    }
    for (const variable of container.env ?? []) {
      if (variable.name.endsWith('_PORT') && /^\d+$/.test(variable.value ?? ''))
        ports.add(Number(variable.value));
    }
  }
  return [...ports];
};

/**
 * What this machine forces on a pod's container, and only that: every pod shares one network
 * namespace here, so a port another pod has is moved to a free one; and there is no root to mount
 * volumes, so a path under a volume's mountPath becomes that volume's folder.
 */
const adjust = (
  text: string,
  ports: ReadonlyMap<number, number>,
  mounts: readonly [string, string][],
): string => {
  const port = portArg.exec(text);
  if (port) return `${port[1]}=${ports.get(Number(port[2])) ?? port[2]}`;
  for (const [mountPath, folder] of mounts) {
    if (text.includes(mountPath)) return text.replaceAll(mountPath, folder);
  }
  return text;
};

const httpProbe = async (probe: V1Probe | undefined, port: (p: number | string) => number) => {
  const get = probe?.httpGet;
  if (!get) return;
  const url = `http://127.0.0.1:${port(get.port as number | string)}${get.path ?? '/'}`;
  await eventually(
    async () => {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    },
    { what: `${url} to answer 200`, timeoutMs: 60_000 },
  );
};

/**
 * Runs an existing Pod object as kubelet would, as far as this machine allows: the pretend
 * kubelet reports it (bound token, status); its volumes are made as folders (projected tokens
 * bound to the pod, the apiserver's CA, downward API); its native sidecars start first and, once
 * their startup probe passes, its containers, each as a process of the image's entrypoint with
 * the container's args and env (adjusted as {@link adjust} says); where the program would read
 * in-cluster credentials, it gets a kubeconfig with the same server, CA and token file instead.
 * Containers are reported ready once every readiness probe passes.
 */
export async function runPodProcesses(
  created: V1Pod,
  options: PodProcessesOptions,
): Promise<PodProcesses> {
  const name = created.metadata?.name ?? '';
  const dir = path.join(options.workDir, name);
  await mkdir(dir, { recursive: true });
  const pod = await options.kubelet.runPod(created, { ready: false });
  const ports = new Map<number, number>();
  for (const port of portsNamed(created)) {
    const keep = !options.takenPorts.has(port) && (await portIsFree(port));
    const host = keep ? port : await freePort();
    ports.set(port, host);
    options.takenPorts.add(host);
  }
  const kas = new URL(options.kas.url);
  const runtime = await startPodRuntime(
    options.admin,
    created,
    { host: kas.hostname, port: kas.port, caFile: options.kas.caFile },
    dir,
  );
  const named = (container: V1Container) => (port: number | string) =>
    typeof port === 'number'
      ? (ports.get(port) ?? port)
      : (ports.get(container.ports?.find((p) => p.name === port)?.containerPort ?? -1) ?? -1);

  const start = async (container: V1Container): Promise<ContainerProcess> => {
    const entrypoint = entrypoints[repositoryOf(container.image ?? '')];
    if (!entrypoint) throw new Error(`no entrypoint known here for image ${container.image}`);
    // Longest first, so /var/run/ctrlmesh/state is not taken for a prefix of another mount.
    const mounts = (container.volumeMounts ?? [])
      .map((mount): [string, string] => [mount.mountPath, runtime.volumes.get(mount.name) ?? ''])
      .sort(([a], [b]) => b.length - a.length);
    const env = Object.fromEntries(
      Object.entries(runtime.env(container)).map(([key, value]) => [
        key,
        key.endsWith('_PORT') && /^\d+$/.test(value)
          ? String(ports.get(Number(value)) ?? value)
          : value,
      ]),
    );
    const args = (container.args ?? []).map((arg) => adjust(arg, ports, mounts));
    let kubeconfig: string | undefined;
    if (entrypoint.kubeconfig !== 'none') {
      // In-cluster config: the service env, and the service-account folder if the pod mounts
      // one (injection does: the proxy's CA and the pod's token), else kubelet's bound token.
      const saFolder = mounts.find(([mountPath]) => mountPath === serviceAccountDir)?.[1];
      const file = path.join(dir, `${container.name}.kubeconfig`);
      kubeconfig = file;
      await writeFile(
        file,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'in-cluster',
          clusters: [
            {
              name: 'in-cluster',
              cluster: {
                server: `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT}`,
                'certificate-authority': saFolder
                  ? path.join(saFolder, 'ca.crt')
                  : options.kas.caFile,
              },
            },
          ],
          users: [
            {
              name: 'pod',
              // The token itself, not tokenFile: client-node (the manager's client) reads no
              // tokenFile. The demo is over long before the bound token's hour is.
              user: {
                token: (
                  await readFile(saFolder ? path.join(saFolder, 'token') : pod.tokenFile, 'utf8')
                ).trim(),
              },
            },
          ],
          contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'pod' } }],
        }),
      );
      if (entrypoint.kubeconfig === 'env') env.KUBECONFIG = file;
      else args.push(...entrypoint.kubeconfig.flags(file, pod.namespace));
    }
    const [file, ...rest] = [...entrypoint.command, ...args];
    const child = startLoggedProcess({
      file: file!,
      args: rest,
      env,
      logFile: path.join(options.workDir, `${name}.${container.name}.log`),
    });
    return { name: container.name, argv: [file!, ...rest], kubeconfig, process: child };
  };

  const containers: ContainerProcess[] = [];
  const stop = async (graceMs = 5_000) => {
    const results: { name: string; status: ExitStatus }[] = [];
    // App containers first, then the sidecars (which outlive them), as kubelet stops a pod.
    for (const container of [...containers].reverse()) {
      results.push({ name: container.name, status: await container.process.stop(graceMs) });
    }
    return results;
  };
  try {
    const sidecars = (created.spec?.initContainers ?? []).filter(
      (container) => container.restartPolicy === 'Always',
    );
    for (const sidecar of sidecars) {
      containers.push(await start(sidecar));
      await httpProbe(sidecar.startupProbe, named(sidecar));
    }
    for (const container of created.spec?.containers ?? []) containers.push(await start(container));
    for (const container of [...sidecars, ...(created.spec?.containers ?? [])]) {
      await httpProbe(container.readinessProbe, named(container));
    }
    await options.kubelet.markContainersReady(pod);
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  const pids = containers.map((container) => container.process.pid);
  return {
    pod,
    containers,
    ports,
    volumes: runtime.volumes,
    unchanged: () =>
      containers.every(
        (container, index) => container.process.running() && container.process.pid === pids[index],
      ),
    stop,
  };
}
