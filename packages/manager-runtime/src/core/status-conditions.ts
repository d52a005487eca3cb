import type { Problem } from '@ctrlmesh/route-engine';
import type { WantedCondition } from './conditions.js';
import { isReady } from './pod-liveness.js';
import type { PodReport } from './pod-report.js';
import type { PodView, Routing } from './views.js';

const problemsText = (problems: readonly Problem[]): string =>
  problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');

/** `Accepted`: the spec validates (its revision is published), or every problem with its path. */
export const acceptedCondition = (
  problems: readonly Problem[] | undefined,
  generation: number,
  routing: Routing | undefined,
): WantedCondition => {
  if (problems === undefined) {
    return {
      type: 'Accepted',
      status: 'True',
      reason: 'Valid',
      message: `generation ${generation} is published as revision ${routing?.currentRevision}`,
    };
  }
  const kept =
    routing === undefined
      ? 'nothing is published until the spec is fixed'
      : `revision ${routing.currentRevision} stays published`;
  return {
    type: 'Accepted',
    status: 'False',
    reason: 'InvalidSpec',
    message: `generation ${generation} is not published (${kept}): ${problemsText(problems)}`,
  };
};

/** `Progressing`: a handover waits for the pods it names, or the published state is final. */
export const progressingCondition = (
  routing: Routing | undefined,
  report: PodReport,
): WantedCondition => {
  if (routing === undefined) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'NothingPublished',
      message: 'no valid spec has been published yet',
    };
  }
  const ignored =
    report.gone.length + report.notReady.length === 0
      ? ''
      : `; not waiting for ${[...report.gone.map((name) => `${name} (being deleted)`), ...report.notReady].join(', ')}`;
  if (routing.phase === 'Revoking') {
    const waiting = report.waiting.length === 0 ? '' : `; waiting for ${report.waiting.join(', ')}`;
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'Revoking',
      message: `revision ${routing.currentRevision} replaces ${routing.previousRevision}: ${report.reporting} of ${report.live} live pods applied Revoking${waiting}${ignored}`,
    };
  }
  return {
    type: 'Progressing',
    status: 'False',
    reason: 'Settled',
    message: `revision ${routing.currentRevision} is settled: ${report.reporting} of ${report.live} live pods applied it${ignored}`,
  };
};

/** `Available`: a revision is published and some selected pod is Ready. */
export const availableCondition = (
  routing: Routing | undefined,
  pods: readonly PodView[],
): WantedCondition => {
  if (routing === undefined) {
    return {
      type: 'Available',
      status: 'False',
      reason: 'NoRevision',
      message: 'no revision is published: fix the spec (see condition Accepted)',
    };
  }
  const ready = pods.filter(isReady).length;
  if (ready === 0) {
    return {
      type: 'Available',
      status: 'False',
      reason: 'NoReadyPods',
      message: `none of the ${pods.length} pods that spec.selector selects is Ready`,
    };
  }
  return {
    type: 'Available',
    status: 'True',
    reason: 'PodsReady',
    message: `${ready} of ${pods.length} pods are Ready`,
  };
};

/** `Degraded`: pods that lag past the grace period, or that are not Ready past it. */
export const degradedCondition = (report: PodReport): WantedCondition => {
  if (report.lagging.length > 0) {
    return {
      type: 'Degraded',
      status: 'True',
      reason: 'PodsNotReporting',
      message: [...report.lagging, ...report.notReady].join('; '),
    };
  }
  if (report.notReady.length > 0) {
    return {
      type: 'Degraded',
      status: 'True',
      reason: 'PodsNotReady',
      message: `${report.notReady.join('; ')}; they no longer hold a handover`,
    };
  }
  return {
    type: 'Degraded',
    status: 'False',
    reason: 'AsExpected',
    message: 'every live pod reports within the grace period',
  };
};
