import type { ExitStatus } from '../support/logged-process.js';
import { type MeshProxy, startMeshProxy } from '../support/mesh-proxy.js';
import type { KasReadyFile } from '../support/ready-file.js';
import { type SampleController, startSampleController } from '../support/sample-controller.js';
import type { Teardown } from './teardown.js';

/** A pretend pod: the Go sample controller and, in front of it, its ControllerMesh proxy. */
export interface DemoPod {
  name: string;
  version: string;
  proxy: MeshProxy;
  controller: SampleController;
}

/** What every pod of the demo shares. */
export interface DemoPodsOptions {
  kas: KasReadyFile;
  /** Namespace of the pods (and of their Leases). */
  namespace: string;
  virtualAppFile: string;
  tokenFile: string;
  workDir: string;
  lock: string;
  teardown: Teardown;
}

/** The proxies drain for 2 s (`--drain-timeout-ms`); past this they are killed. */
const proxyGraceMs = 5_000;

const unclean = (what: string, { exitCode, signal }: ExitStatus): string[] =>
  signal === 'SIGKILL'
    ? [`${what} was still running ${proxyGraceMs / 1000} s after SIGTERM and was killed`]
    : exitCode === 0
      ? []
      : [`${what} exited with ${exitCode ?? signal}`];

/**
 * Starts one pod per entry of `versions` (`go-sample-<version>-<i>`), its proxy first and ready,
 * then the controller talking only to it. The teardown stops every controller, then every proxy,
 * and reports any that did not exit cleanly.
 */
export async function startDemoPods(
  versions: readonly string[],
  options: DemoPodsOptions,
): Promise<DemoPod[]> {
  const pods: DemoPod[] = [];
  options.teardown.add('stop the pods', async () => {
    const controllers = await Promise.all(pods.map((pod) => pod.controller.stop()));
    const proxies = await Promise.all(pods.map((pod) => pod.proxy.stop(proxyGraceMs)));
    return pods.flatMap((pod, index) => [
      ...unclean(`controller ${pod.name}`, controllers[index]!),
      ...unclean(`proxy ${pod.name}`, proxies[index]!),
    ]);
  });
  for (const version of versions) {
    const name = `go-sample-${version}-${pods.filter((pod) => pod.version === version).length}`;
    const proxy = await startMeshProxy(options.kas, {
      podName: name,
      podNamespace: options.namespace,
      podLabels: { app: 'go-sample', version },
      virtualAppFile: options.virtualAppFile,
      tokenFile: options.tokenFile,
      workDir: options.workDir,
    });
    try {
      const controller = startSampleController({
        kind: 'go',
        podName: name,
        podNamespace: options.namespace,
        kubeconfig: proxy.kubeconfig,
        logDir: options.workDir,
        version,
        leaderElectionName: options.lock,
      });
      pods.push({ name, version, proxy, controller });
    } catch (error) {
      await proxy.stop(proxyGraceMs);
      throw error;
    }
  }
  return pods;
}

/** Whether every process of `pods` still runs, with the proxy pids recorded at `before`. */
export function nothingRestarted(pods: readonly DemoPod[], before: readonly number[]): boolean {
  return pods.every(
    (pod, index) =>
      pod.proxy.running() && pod.controller.running() && pod.proxy.pid === before[index],
  );
}

/** Whether any process of `pods` still runs. */
export function anyRunning(pods: readonly DemoPod[]): boolean {
  return pods.some((pod) => pod.proxy.running() || pod.controller.running());
}
