import type { ManifestObject } from './manifest-object.js';

/** What a readiness check makes of an object as the cluster has it now. */
export type Readiness =
  | { readonly state: 'ready'; readonly message: string }
  | { readonly state: 'waiting'; readonly message: string }
  /** It will not become ready by waiting longer: the wait stops. */
  | { readonly state: 'failed'; readonly message: string };

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

const conditionOf = (object: unknown, type: string): Condition | undefined =>
  (
    (object as { status?: { conditions?: Condition[] | null } } | undefined)?.status?.conditions ??
    []
  ).find((condition) => condition.type === type);

/** A CustomResourceDefinition is ready once Established: its kind can then be served. */
export const crdReadiness = (stored: unknown): Readiness => {
  const established = conditionOf(stored, 'Established');
  if (established?.status === 'True') return { state: 'ready', message: 'established' };
  const names = conditionOf(stored, 'NamesAccepted');
  if (names?.status === 'False') {
    return {
      state: 'failed',
      message: `names not accepted: ${names.message ?? names.reason ?? ''}`,
    };
  }
  return { state: 'waiting', message: 'not established yet' };
};

interface StoredDeployment {
  readonly metadata?: { readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
  };
}

/**
 * Whether a Deployment has rolled out, judged as `kubectl rollout status` judges it: the
 * deployment controller has seen the latest spec, every desired replica runs the new template,
 * no old replica is left, and every updated replica is available. A Progressing condition with
 * reason ProgressDeadlineExceeded ends the wait.
 */
export const deploymentReadiness = (stored: unknown): Readiness => {
  const deployment = stored as StoredDeployment;
  const status = deployment.status ?? {};
  const generation = deployment.metadata?.generation ?? 0;
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      state: 'waiting',
      message: `the deployment controller has not seen generation ${generation} yet`,
    };
  }
  const progressing = conditionOf(stored, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      message: `exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`,
    };
  }
  if (updated < desired) {
    return { state: 'waiting', message: `${updated} of ${desired} replicas updated` };
  }
  if (total > updated) {
    const old = total - updated;
    return {
      state: 'waiting',
      message: `${old} old replica${old === 1 ? '' : 's'} pending termination`,
    };
  }
  if (available < updated) {
    return { state: 'waiting', message: `${available} of ${desired} replicas available` };
  }
  return { state: 'ready', message: `rolled out, ${available} of ${desired} replicas available` };
};

interface Webhook {
  readonly name?: string;
  readonly clientConfig?: { readonly service?: unknown; readonly caBundle?: string };
}

/**
 * The webhooks of a manifest's webhook configuration whose caBundle someone else fills in (they
 * call a Service and the manifest gives no caBundle): the manager writes them at run time.
 */
export const webhooksAwaitingCa = (object: ManifestObject): string[] =>
  ((object.webhooks as Webhook[] | undefined) ?? [])
    .filter((webhook) => webhook.clientConfig?.service !== undefined)
    .filter((webhook) => !webhook.clientConfig?.caBundle)
    .map((webhook) => webhook.name ?? '');

/** Whether the webhooks named have a caBundle in the stored webhook configuration. */
export const caBundleReadiness = (stored: unknown, webhooks: readonly string[]): Readiness => {
  const present = new Map(
    ((stored as { webhooks?: Webhook[] | null }).webhooks ?? []).map((webhook) => [
      webhook.name,
      webhook.clientConfig?.caBundle ?? '',
    ]),
  );
  const lacking = webhooks.filter((name) => !present.get(name));
  if (lacking.length === 0) return { state: 'ready', message: 'caBundle written by the manager' };
  return {
    state: 'waiting',
    message: `no caBundle yet for ${lacking.join(', ')} (the manager writes it once it runs)`,
  };
};
