import type { V1Pod } from '@kubernetes/client-node';
import { injectPod } from './inject-pod.js';
import type { InjectionSettings } from './injection-settings.js';
import type { JsonPatchOperation } from './json-patch.js';
import { optedIn } from './opt-in.js';
import { INJECT_LABEL } from './pod-layout.js';
import { type VirtualAppRef, virtualAppForPod } from './virtual-app-for-pod.js';

/** The URL path the manager's admission server serves {@link createInjectPodHandler} at. */
export const INJECT_POD_PATH = '/inject-pod';

/**
 * What injection reads from the cluster, from the manager's caches (an informer's list, so a
 * review never waits on the apiserver).
 */
export interface InjectionLister {
  /** The VirtualApps of `namespace`. */
  virtualApps(namespace: string): readonly VirtualAppRef[] | Promise<readonly VirtualAppRef[]>;
  /** The labels of namespace `name`; `undefined` when it is not known. */
  namespaceLabels(
    name: string,
  ):
    | Readonly<Record<string, string>>
    | undefined
    | Promise<Readonly<Record<string, string>> | undefined>;
}

/** The part of an `admission.k8s.io/v1` AdmissionRequest injection reads. */
export interface PodAdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly subResource?: string;
  readonly namespace?: string;
  readonly operation: string;
  readonly object?: unknown;
}

/** The handler's answer; the admission server adds the uid and encodes the patch. */
export interface PodAdmissionDecision {
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly patch?: readonly JsonPatchOperation[];
  readonly warnings?: readonly string[];
}

/** What the handler is built from. */
export interface InjectPodHandlerOptions {
  readonly lister: InjectionLister;
  readonly settings: InjectionSettings;
  /** Told what happened to each pod (for logs and metrics). */
  readonly onResult?: (outcome: InjectionOutcome, detail: string) => void;
}

/** How a review ended, for logs and metrics. */
export type InjectionOutcome = 'injected' | 'unchanged' | 'denied' | 'ignored' | 'error';

const ALLOWED: PodAdmissionDecision = { allowed: true };

/**
 * The mutating webhook at {@link INJECT_POD_PATH}: injects the proxy into pods that opted in
 * (see `injectPod`). Anything that is not a pod CREATE is allowed unchanged, and so is a pod that
 * did not opt in (the webhook's selectors keep those away anyway). An opted-in pod is refused
 * when the proxy cannot be injected (a lister that throws, or a `ctrlmesh.io/proxy-resources`
 * annotation that cannot be honoured), as the webhook's `failurePolicy: Fail` refuses it while
 * the manager is down: started without its proxy, its controller would run unconfined. Its
 * owner (a ReplicaSet) creates it again.
 */
export const createInjectPodHandler =
  ({ lister, settings, onResult }: InjectPodHandlerOptions) =>
  async (request: PodAdmissionRequest): Promise<PodAdmissionDecision> => {
    const { kind } = request;
    if (
      request.operation !== 'CREATE' ||
      request.subResource ||
      kind.group !== '' ||
      kind.kind !== 'Pod' ||
      typeof request.object !== 'object' ||
      request.object === null
    ) {
      onResult?.('ignored', `${request.operation} ${kind.kind}`);
      return ALLOWED;
    }
    const pod = request.object as V1Pod;
    // Pods of a ReplicaSet arrive without a name and, at admission, may lack the namespace.
    const namespace = request.namespace ?? pod.metadata?.namespace ?? 'default';
    const who = `${namespace}/${pod.metadata?.name ?? pod.metadata?.generateName ?? ''}`;
    try {
      const own = pod.metadata?.labels?.[INJECT_LABEL];
      const namespaceLabels =
        own === undefined ? await lister.namespaceLabels(namespace) : undefined;
      if (!optedIn(pod.metadata?.labels, namespaceLabels)) {
        onResult?.('unchanged', `${who}: not opted in`);
        return ALLOWED;
      }
      const selection = virtualAppForPod(await lister.virtualApps(namespace), pod.metadata?.labels);
      const result = injectPod({
        pod: { ...pod, metadata: { ...pod.metadata, namespace } },
        namespaceLabels,
        virtualApp: selection.virtualApp,
        settings,
      });
      if (result.kind === 'denied') {
        onResult?.('denied', `${who}: ${result.message}`);
        return {
          allowed: false,
          status: { code: 400, reason: 'BadRequest', message: result.message },
        };
      }
      const warnings = [...selection.warnings.map((w) => `ctrlmesh: ${w}`), ...result.warnings];
      if (result.kind === 'unchanged') {
        onResult?.('unchanged', `${who}: ${result.reason}`);
        return withWarnings(ALLOWED, warnings);
      }
      onResult?.('injected', `${who}: ${selection.virtualApp?.name}`);
      return withWarnings({ allowed: true, patch: result.patch }, warnings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      onResult?.('error', `${who}: ${message}`);
      return {
        allowed: false,
        status: {
          code: 503,
          reason: 'ServiceUnavailable',
          message: `ctrlmesh: the proxy cannot be injected now (${message}); the pod is refused rather than run without it`,
        },
      };
    }
  };

const withWarnings = (
  decision: PodAdmissionDecision,
  warnings: readonly string[],
): PodAdmissionDecision => (warnings.length === 0 ? decision : { ...decision, warnings });
