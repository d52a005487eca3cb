import {
  fromStructuredSelector,
  handoverPodSubset,
  type LabelSelector,
  matchesLabels,
  type ParseResult,
  type VirtualApp,
  type VirtualAppRouting,
} from '@ctrlmesh/route-engine';
import type { Clock } from '@ctrlmesh/runtime-support';
import type { Runnable } from '../lifecycle/runnable.js';
import { logRecord } from '../observe/channels.js';
import { loadPersistedState } from '../routes/persisted-routes.js';
import {
  prepareStateSnapshot,
  type RouteSnapshot,
  revisionsVersion,
  type SnapshotOverrides,
  type SnapshotRevision,
  type SnapshotRevisions,
} from '../routes/route-snapshot.js';
import type { RouteStore } from '../routes/route-store.js';
import type { WebhookPeers } from '../webhook/webhook-peers.js';
import { type ListedObject, listThenWatch, type OwnCredentialOptions } from './list-watch.js';
import { type ControllerRevisionObject, revisionApp } from './revision-app.js';
import { RoutesAppliedReporter, type RoutesAppliedStatus } from './routes-applied-condition.js';

/** The label the manager puts on a VirtualApp's ControllerRevisions (decision 0005). */
export const VIRTUAL_APP_LABEL = 'ctrlmesh.io/virtual-app';

/** What {@link ClusterRoutes} needs. */
export interface ClusterRoutesOptions extends OwnCredentialOptions {
  /** The VirtualApp to follow, in the pod's namespace. */
  readonly virtualAppName: string;
  readonly podName: string;
  readonly podNamespace: string;
  /** This pod's labels: they pick its subset. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly overrides?: SnapshotOverrides | undefined;
  /** The last good state, loaded at start (it is written on every swap, see `proxy.ts`). */
  readonly stateFile?: string | undefined;
  readonly maxFileBytes?: number | undefined;
  /** The webhook front's port: when set, the pods are watched for webhook peers. */
  readonly webhookPort?: number | undefined;
  readonly clock?: Clock;
}

interface VirtualAppObject extends ListedObject {
  readonly status?: { readonly routing?: VirtualAppRouting };
}

interface PodObject extends ListedObject {
  readonly metadata?: ListedObject['metadata'] & {
    readonly labels?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly status?: {
    readonly podIP?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

/** A pod of the namespace, as webhook peering needs it. */
interface PeerPod {
  readonly labels: Readonly<Record<string, string>>;
  /** Its webhook front's origin when it is Ready and has an address; undefined otherwise. */
  readonly origin: string | undefined;
}

const peerOf = (pod: PodObject, port: number): PeerPod => {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const ip = pod.status?.podIP;
  const usable =
    ready === true && ip !== undefined && ip !== '' && !pod.metadata?.deletionTimestamp;
  const host = ip?.includes(':') ? `[${ip}]` : ip;
  return {
    labels: pod.metadata?.labels ?? {},
    origin: usable ? `https://${host}:${port}` : undefined,
  };
};

const problemsText = (problems: ParseResult<unknown> & { ok: false }): string =>
  problems.problems.map((p) => `${p.path}: ${p.message}`).join('; ');

/**
 * Routes from the cluster (DESIGN §6, decision 0005): follows one VirtualApp in the pod's
 * namespace and its ControllerRevisions (label `ctrlmesh.io/virtual-app`), with the proxy's own
 * token, list then watch (`listThenWatch`). The state `status.routing` names is applied in one
 * snapshot swap (the store's listeners end watches with 410 and persist it), and only once every
 * revision it needs is held and valid; otherwise the current state stays. It starts from the
 * state file, so it enforces the last good state while the apiserver is away, and reports
 * `ctrlmesh.io/RoutesApplied` on its own pod after each decision. With a webhook port it is also
 * the webhook peers: the Ready pods of each subset, from a pod watch.
 */
export class ClusterRoutes implements Runnable, WebhookPeers {
  readonly name = 'cluster-routes';
  readonly ready: Promise<void>;
  readonly #options: ClusterRoutesOptions;
  readonly #store: RouteStore;
  readonly #reporter: RoutesAppliedReporter;
  #markReady: () => void = () => undefined;
  #virtualApp: VirtualAppObject | undefined;
  #virtualAppListed = false;
  readonly #revisions = new Map<string, ControllerRevisionObject>();
  #revisionsListed = false;
  /** Parsed revisions by name and resourceVersion: a revision's data never changes. */
  readonly #parsed = new Map<string, { rv: string; result: ParseResult<VirtualApp> }>();
  readonly #pods = new Map<string, PeerPod>();
  #generation = 0;
  /** Serialises applies: one at a time, each on the latest objects. */
  #applying: Promise<void> = Promise.resolve();
  #again = false;
  #selector: { app: VirtualApp; selector: LabelSelector | undefined } | undefined;

  constructor(store: RouteStore, options: ClusterRoutesOptions) {
    this.#store = store;
    this.#options = options;
    this.#reporter = new RoutesAppliedReporter({
      pool: options.pool,
      tokenFile: options.tokenFile,
      podName: options.podName,
      podNamespace: options.podNamespace,
      clock: options.clock,
    });
    this.ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
  }

  /** The condition last written on the pod (for tests and logs). */
  reported(): RoutesAppliedStatus | undefined {
    return this.#reporter.written();
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.#loadPersisted();
    this.#markReady();
    const { podNamespace, virtualAppName, webhookPort } = this.#options;
    const base = `/namespaces/${encodeURIComponent(podNamespace)}`;
    const onChange = () => this.#schedule();
    const loops = [
      this.#reporter.run(signal),
      listThenWatch<VirtualAppObject>(
        {
          path: `/apis/ctrlmesh.io/v1alpha1${base}/virtualapps`,
          query: { fieldSelector: `metadata.name=${virtualAppName}` },
          what: 'virtualapp',
        },
        this.#options,
        {
          replace: (items) => {
            this.#virtualApp = items.find((item) => item.metadata?.name === virtualAppName);
            this.#virtualAppListed = true;
            onChange();
          },
          change: (type, object) => {
            if (object.metadata?.name !== virtualAppName) return;
            this.#virtualApp = type === 'DELETED' ? undefined : object;
            onChange();
          },
        },
        signal,
      ),
      listThenWatch<ControllerRevisionObject>(
        {
          path: `/apis/apps/v1${base}/controllerrevisions`,
          query: { labelSelector: `${VIRTUAL_APP_LABEL}=${virtualAppName}` },
          what: 'controllerrevision',
        },
        this.#options,
        {
          replace: (items) => {
            this.#revisions.clear();
            for (const item of items) {
              const name = item.metadata?.name;
              if (name !== undefined) this.#revisions.set(name, item);
            }
            this.#revisionsListed = true;
            onChange();
          },
          change: (type, object) => {
            const name = object.metadata?.name;
            if (name === undefined) return;
            if (type === 'DELETED') this.#revisions.delete(name);
            else this.#revisions.set(name, object);
            onChange();
          },
        },
        signal,
      ),
      ...(webhookPort === undefined
        ? []
        : [
            listThenWatch<PodObject>(
              { path: `/api/v1${base}/pods`, what: 'pod' },
              this.#options,
              {
                replace: (items) => {
                  this.#pods.clear();
                  for (const pod of items) {
                    const name = pod.metadata?.name;
                    if (name !== undefined) this.#pods.set(name, peerOf(pod, webhookPort));
                  }
                },
                change: (type, pod) => {
                  const name = pod.metadata?.name;
                  if (name === undefined) return;
                  if (type === 'DELETED') this.#pods.delete(name);
                  else this.#pods.set(name, peerOf(pod, webhookPort));
                },
              },
              signal,
            ),
          ]),
    ];
    await Promise.all(loops);
    await this.#applying;
  }

  /**
   * The webhook fronts of the Ready pods of `subset` under the routes this pod enforces: the
   * VirtualApp's pods (its selector), never this pod, in a stable order. A pod whose subset moves
   * during a handover is nobody's peer.
   */
  peers(subset: string): readonly string[] {
    const snapshot = this.#store.current();
    if (snapshot === undefined) return [];
    if (this.#selector?.app !== snapshot.app) {
      const parsed = fromStructuredSelector(snapshot.app.spec.selector);
      this.#selector = { app: snapshot.app, selector: parsed.ok ? parsed.value : undefined };
    }
    const selector = this.#selector.selector;
    if (selector === undefined) return [];
    const origins: string[] = [];
    for (const [name, pod] of this.#pods) {
      if (name === this.#options.podName || pod.origin === undefined) continue;
      if (!matchesLabels(selector, pod.labels)) continue;
      if (handoverPodSubset(snapshot.state, pod.labels) === subset) origins.push(pod.origin);
    }
    return origins.sort();
  }

  async #loadPersisted(): Promise<void> {
    const file = this.#options.stateFile;
    if (file === undefined) return;
    const result = await loadPersistedState(file, { maxBytes: this.#options.maxFileBytes });
    if (result === undefined) return;
    if (!result.ok) {
      logRecord.publish({
        level: 'warn',
        msg: 'persisted routing state unreadable',
        file,
        problems: result.problems,
      });
      return;
    }
    await this.#swap(result.value);
    logRecord.publish({ level: 'info', msg: 'routes loaded', source: file });
  }

  // Applies run one at a time; changes during one make it run once more, on the latest objects.
  #schedule(): void {
    if (this.#again) return;
    this.#again = true;
    this.#applying = this.#applying.then(async () => {
      this.#again = false;
      try {
        await this.#apply();
      } catch (error) {
        logRecord.publish({ level: 'error', msg: 'applying routes failed', error: String(error) });
      }
    });
  }

  #report(status: RoutesAppliedStatus): void {
    const log = status.status === 'True' ? undefined : 'keeping the current routes';
    if (log !== undefined)
      logRecord.publish({
        level: 'warn',
        msg: `routes not applied (${status.reason}); ${log}`,
        detail: status.message,
        current: this.#store.current()?.version,
      });
    this.#reporter.report(status);
  }

  #revision(name: string): ParseResult<VirtualApp> | undefined {
    const object = this.#revisions.get(name);
    if (object === undefined) return undefined;
    const rv = object.metadata?.resourceVersion ?? '';
    const known = this.#parsed.get(name);
    if (known?.rv === rv) return known.result;
    const result = revisionApp(object, {
      name: this.#options.virtualAppName,
      namespace: this.#options.podNamespace,
    });
    this.#parsed.set(name, { rv, result });
    return result;
  }

  async #apply(): Promise<void> {
    // Until both lists are in, a missing revision may only be not listed yet.
    if (!this.#virtualAppListed || !this.#revisionsListed) return;
    const { virtualAppName, podNamespace } = this.#options;
    const vapp = `VirtualApp "${virtualAppName}" in namespace "${podNamespace}"`;
    if (this.#virtualApp === undefined)
      return this.#report({
        status: 'False',
        reason: 'VirtualAppNotFound',
        message: `${vapp} does not exist`,
      });
    const routing = this.#virtualApp.status?.routing;
    if (routing === undefined)
      return this.#report({
        status: 'False',
        reason: 'RevisionNotFound',
        message: `${vapp} has published no revision yet (status.routing is empty)`,
      });
    // The previous revision decides only while Revoking.
    const needed =
      routing.phase === 'Revoking' &&
      routing.previousRevision !== undefined &&
      routing.previousRevision !== routing.currentRevision
        ? [routing.currentRevision, routing.previousRevision]
        : [routing.currentRevision];
    const missing = needed.filter((name) => !this.#revisions.has(name));
    if (missing.length > 0)
      return this.#report({
        status: 'False',
        reason: 'RevisionNotFound',
        message: `ControllerRevision ${missing.map((m) => `"${m}"`).join(' and ')} named by the status.routing of ${vapp} not found`,
      });
    const held: SnapshotRevision[] = [];
    for (const name of needed) {
      const result = this.#revision(name);
      if (result === undefined) return; // removed meanwhile: a change event follows
      if (!result.ok)
        return this.#report({
          status: 'False',
          reason: 'RoutesInvalid',
          message: problemsText(result),
        });
      held.push({ name, app: result.value });
    }
    // Settled needs only the current revision; the previous one is kept when held, for the record.
    const named = routing.previousRevision;
    if (held.length === 1 && named !== undefined && named !== routing.currentRevision) {
      const before = this.#revision(named);
      if (before?.ok) held.push({ name: named, app: before.value });
    }
    const [current, previous] = held as [SnapshotRevision, SnapshotRevision | undefined];
    await this.#swap({
      phase: routing.phase,
      current,
      ...(previous === undefined ? {} : { previous }),
    });
    this.#report({ status: 'True', reason: routing.phase, message: routing.currentRevision });
  }

  async #swap(revisions: SnapshotRevisions): Promise<RouteSnapshot | undefined> {
    const now = this.#store.current();
    if (now !== undefined && now.version === revisionsVersion(revisions)) return now;
    this.#generation += 1;
    const snapshot = await prepareStateSnapshot(
      revisions,
      this.#options.podLabels,
      this.#generation,
      this.#options.overrides,
    );
    this.#store.swap(snapshot);
    return snapshot;
  }
}
