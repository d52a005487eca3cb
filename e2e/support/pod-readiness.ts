import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';

/** The two conditions a kubelet derives from its containers and the pod's readiness gates. */
export interface PodReadiness {
  containersReady: V1PodCondition;
  ready: V1PodCondition;
}

const condition = (pod: V1Pod, type: string): V1PodCondition | undefined =>
  pod.status?.conditions?.find((candidate) => candidate.type === type);

/**
 * Why the readiness gates hold the pod back, in the kubelet's words
 * (pkg/kubelet/status/generate.go), or undefined when every gate's condition is True.
 */
function unreadyGates(pod: V1Pod): string | undefined {
  const reasons = (pod.spec?.readinessGates ?? []).flatMap(({ conditionType }) => {
    const gate = condition(pod, conditionType);
    if (!gate)
      return [`corresponding condition of pod readiness gate "${conditionType}" does not exist.`];
    if (gate.status !== 'True') {
      return [
        `the status of pod readiness gate "${conditionType}" is not "True", but ${gate.status}`,
      ];
    }
    return [];
  });
  return reasons.length === 0 ? undefined : reasons.join(', ');
}

/**
 * ContainersReady and Ready as a kubelet computes them: Ready is True only when the containers
 * are ready and every readiness gate's condition (written by another party, here a proxy's
 * `ctrlmesh.io/RoutesApplied`) is True. A transition time is kept while the status stays the same.
 */
export function podReadiness(
  pod: V1Pod,
  {
    containersReady,
    unreadyContainers,
    now,
  }: {
    containersReady: boolean;
    /** Named in the reason's message when `containersReady` is false. */
    unreadyContainers: readonly string[];
    now: Date;
  },
): PodReadiness {
  const stamp = (type: string, status: string) => {
    const current = condition(pod, type);
    return current?.status === status && current.lastTransitionTime
      ? current.lastTransitionTime
      : now;
  };
  const notReady = `containers with unready status: [${unreadyContainers.join(' ')}]`;
  const containers: V1PodCondition = containersReady
    ? { type: 'ContainersReady', status: 'True' }
    : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: notReady };
  const gates = unreadyGates(pod);
  const ready: V1PodCondition = !containersReady
    ? { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: notReady }
    : gates !== undefined
      ? { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gates }
      : { type: 'Ready', status: 'True' };
  return {
    containersReady: {
      ...containers,
      lastTransitionTime: stamp(containers.type, containers.status),
    },
    ready: { ...ready, lastTransitionTime: stamp(ready.type, ready.status) },
  };
}

/** Whether `pod` already shows `wanted` (status, reason and message; times are not compared). */
export function showsCondition(pod: V1Pod, wanted: V1PodCondition): boolean {
  const current = condition(pod, wanted.type);
  return (
    current?.status === wanted.status &&
    (current.reason ?? '') === (wanted.reason ?? '') &&
    (current.message ?? '') === (wanted.message ?? '')
  );
}
