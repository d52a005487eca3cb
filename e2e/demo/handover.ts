import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { editVirtualApp, type Routing, virtualAppStatus } from '../steps/control-plane.js';
import { virtualApps } from '../steps/virtual-app-crd.js';

const same = (a: Routing | undefined, b: Routing) =>
  a?.phase === b.phase &&
  a.currentRevision === b.currentRevision &&
  a.previousRevision === b.previousRevision;

/**
 * Edits a VirtualApp's spec (as `kubectl apply` of the edited file does) and follows its
 * `status.routing` with a watch until the manager has the new generation Settled: resolves with
 * each distinct routing the status showed, in order (Revoking, then Settled, when the handover
 * moved anything). Rejects after `timeoutMs`.
 */
export async function editAndFollowHandover(
  admin: KubeConfig,
  namespace: string,
  name: string,
  spec: unknown,
  timeoutMs = 60_000,
): Promise<Routing[]> {
  const seen: Routing[] = [];
  let generation = Number.POSITIVE_INFINITY;
  let done: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const settled = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const check = () => {
    const last = seen.at(-1);
    if (last?.phase === 'Settled' && last.observedGeneration >= generation) done();
  };
  const watch = await new Watch(admin).watch(
    `/apis/${virtualApps.group}/${virtualApps.version}/namespaces/${namespace}/${virtualApps.plural}`,
    { fieldSelector: `metadata.name=${name}` },
    (phase, object: { status?: { routing?: Routing } }) => {
      const routing = object.status?.routing;
      if (phase === 'ERROR' || phase === 'BOOKMARK' || !routing) return;
      if (!same(seen.at(-1), routing)) seen.push(routing);
      else seen[seen.length - 1] = routing;
      check();
    },
    (error) => {
      if (error) fail(error instanceof Error ? error : new Error(String(error)));
    },
  );
  const timer = setTimeout(
    () => fail(new Error(`VirtualApp ${namespace}/${name} not Settled within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const before = (await virtualAppStatus(admin, namespace, name)).routing;
    generation = await editVirtualApp(admin, namespace, name, spec);
    check();
    await settled;
    // The watch starts with the object as it was: leave out the state before the edit.
    const first = seen.findIndex((routing) => !same(before, routing));
    return first < 0 ? seen.slice(-1) : seen.slice(first);
  } finally {
    clearTimeout(timer);
    watch.abort();
  }
}
