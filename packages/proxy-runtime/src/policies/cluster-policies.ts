import type { Problem } from '@ctrlmesh/route-engine';
import type { FaultInjection, TrafficPolicy } from '@ctrlmesh/traffic-policy';
import {
  type ListedObject,
  listThenWatch,
  type OwnCredentialOptions,
} from '../cluster/list-watch.js';
import type { Runnable } from '../lifecycle/runnable.js';
import { logRecord } from '../observe/channels.js';
import { validatePolicyDocuments } from './policy-documents.js';
import type { PolicyStore } from './policy-store.js';

/** What {@link ClusterPolicies} needs. */
export interface ClusterPoliciesOptions extends OwnCredentialOptions {
  /** The pod's namespace: policies select VirtualApps of their own namespace only. */
  readonly namespace: string;
}

type Kind = 'TrafficPolicy' | 'FaultInjection';

const PLURAL: Record<Kind, string> = {
  TrafficPolicy: 'trafficpolicies',
  FaultInjection: 'faultinjections',
};

/** The last good version of one policy object, by name. */
type Held = Map<string, TrafficPolicy | FaultInjection>;

/**
 * TrafficPolicies and FaultInjections from the cluster (DESIGN §8): lists, then watches, both kinds
 * in the pod's namespace with the proxy's own token (`listThenWatch`, the route source's loop), and
 * hands every valid one to the store. An object that fails validation is logged with every problem
 * and its last good version stays (a new one is left out): the manager's webhook should have
 * refused it. Ready at once: a proxy serves without policies until their first list, and while
 * their CRDs or its RBAC are missing (then it logs each failed attempt).
 */
export class ClusterPolicies implements Runnable {
  readonly name = 'cluster-policies';
  readonly #store: PolicyStore;
  readonly #options: ClusterPoliciesOptions;
  readonly #held: Record<Kind, Held> = { TrafficPolicy: new Map(), FaultInjection: new Map() };

  constructor(store: PolicyStore, options: ClusterPoliciesOptions) {
    this.#store = store;
    this.#options = options;
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all(
      (['TrafficPolicy', 'FaultInjection'] as const).map((kind) => this.#follow(kind, signal)),
    );
  }

  #follow(kind: Kind, signal: AbortSignal): Promise<void> {
    const held = this.#held[kind];
    const { namespace } = this.#options;
    return listThenWatch<ListedObject>(
      {
        path: `/apis/ctrlmesh.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/${PLURAL[kind]}`,
        what: kind,
      },
      this.#options,
      {
        replace: (items) => {
          const names = new Set(items.map((item) => item.metadata?.name));
          for (const name of held.keys()) if (!names.has(name)) held.delete(name);
          for (const item of items) this.#take(kind, item);
          this.#publish();
        },
        change: (type, object) => {
          const name = object.metadata?.name;
          if (name === undefined) return;
          if (type === 'DELETED') held.delete(name);
          else this.#take(kind, object);
          this.#publish();
        },
      },
      signal,
    );
  }

  #take(kind: Kind, object: ListedObject): void {
    const name = object.metadata?.name ?? '';
    // The status is the manager's to write and nothing the proxy decides on.
    const { status: _status, ...spec } = object as ListedObject & { status?: unknown };
    const result = validatePolicyDocuments([{ ...spec, kind }]);
    if (!result.ok) {
      this.#reject(kind, name, result.problems);
      return;
    }
    const [policy] =
      kind === 'TrafficPolicy' ? result.value.trafficPolicies : result.value.faultInjections;
    if (policy !== undefined) this.#held[kind].set(name, policy);
  }

  #reject(kind: Kind, name: string, problems: readonly Problem[]): void {
    logRecord.publish({
      level: 'error',
      msg: `${kind} rejected; keeping its last good version`,
      policy: `${this.#options.namespace}/${name}`,
      problems: problems.map((p) => `${p.path.replace(/^\[0\]\.?/, '')}: ${p.message}`),
    });
  }

  #publish(): void {
    const byName = <T>(held: Held) =>
      [...held].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, policy]) => policy as T);
    this.#store.setDocuments({
      trafficPolicies: byName<TrafficPolicy>(this.#held.TrafficPolicy),
      faultInjections: byName<FaultInjection>(this.#held.FaultInjection),
    });
  }
}
