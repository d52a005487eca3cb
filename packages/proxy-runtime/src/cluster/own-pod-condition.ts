import { type OwnCredentialOptions, ownCredentialHeaders } from './list-watch.js';

/** Which pod a proxy reports on, and with what: its own pod, with its own token (decision 0005). */
export interface OwnPodOptions extends Pick<OwnCredentialOptions, 'pool' | 'tokenFile'> {
  readonly podName: string;
  readonly podNamespace: string;
}

/** One pod condition as the proxy writes it. */
export interface OwnPodCondition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
  /** Milliseconds since the epoch; written in whole seconds, as the apiserver keeps them. */
  readonly lastTransitionTime: number;
}

/** Formats a time as `metav1.Time` does: whole seconds, UTC. */
const timeText = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Writes one condition on the proxy's own pod through `pods/status`, as a strategic-merge patch:
 * conditions merge by `type`, so it touches no other condition (the admission policy of
 * deploy/admission refuses anything more). Throws with the apiserver's answer when it is not 200.
 */
export const patchOwnPodCondition = async (
  options: OwnPodOptions,
  condition: OwnPodCondition,
  signal: AbortSignal,
): Promise<void> => {
  const { pool, tokenFile, podName, podNamespace } = options;
  const body = {
    status: {
      conditions: [
        {
          type: condition.type,
          status: condition.status,
          reason: condition.reason,
          message: condition.message,
          lastTransitionTime: timeText(condition.lastTransitionTime),
        },
      ],
    },
  };
  const response = await pool.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${encodeURIComponent(podNamespace)}/pods/${encodeURIComponent(podName)}/status`,
    headers: {
      ...(await ownCredentialHeaders(tokenFile)),
      'content-type': 'application/strategic-merge-patch+json',
    },
    body: JSON.stringify(body),
    signal,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(
      `patching pod "${podName}" status answered ${response.statusCode}: ${text.slice(0, 300)}`,
    );
};
