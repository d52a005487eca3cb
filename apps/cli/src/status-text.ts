import type { Palette } from './colour.js';
import { formatTable } from './table.js';
import type { Condition, PodBehind, StatusReport } from './virtual-app-status.js';

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');

const detail = (condition: Condition): string =>
  [condition.reason, condition.message]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');

/** What a pod's proxy reports applying: `Settled web-5d1c0e9a2b`, or why it applies nothing. */
export const appliesText = (pod: PodBehind): string => {
  const applied = pod.routesApplied;
  if (applied === undefined) return 'nothing reported';
  if (applied.status === 'True') return `${applied.reason ?? '?'} ${applied.message ?? '?'}`;
  return `not applied (${applied.status}${detail(applied) === '' ? '' : `, ${detail(applied)}`})`;
};

const headline = (report: StatusReport, palette: Palette): string => {
  const name = palette.strong(`${report.namespace}/${report.name}`);
  const { routing } = report;
  if (routing === undefined) return `${name}: ${palette.bad('no revision published yet')}`;
  const phase =
    routing.phase === 'Settled' ? palette.ok(routing.phase) : palette.bad(routing.phase);
  const from = routing.previousRevision === undefined ? '' : ` (from ${routing.previousRevision})`;
  return `${name}: ${phase} on ${routing.currentRevision}${from}`;
};

/** One VirtualApp as `ctrlmesh status` prints it for people. */
export const reportText = (report: StatusReport, palette: Palette): string => {
  const lines = [headline(report, palette)];
  if (
    report.generation !== undefined &&
    report.observedGeneration !== undefined &&
    report.observedGeneration < report.generation
  ) {
    lines.push(
      `  ${palette.bad(`generation ${report.generation} not yet observed`)} (the manager is at ${report.observedGeneration})`,
    );
  }
  if (report.subsets.length === 0) {
    lines.push(`  no subsets reported yet (${report.pods} pods selected)`);
  } else {
    const table = formatTable([
      ['SUBSET', 'PODS', 'READY', 'UP-TO-DATE'],
      ...report.subsets.map((s) => [s.name, `${s.pods}`, `${s.readyPods}`, `${s.updatedPods}`]),
    ]);
    lines.push(indent(table, '  ').trimEnd());
  }
  const healthy = report.conditions.filter((c) => c.healthy);
  const unhealthy = report.conditions.filter((c) => !c.healthy);
  if (report.conditions.length === 0) lines.push('  conditions: none reported yet');
  else {
    lines.push(
      `  conditions: ${healthy.map((c) => palette.ok(`${c.type}=${c.status}`)).join(' ')}`.trimEnd(),
    );
    for (const condition of unhealthy) {
      const why = detail(condition);
      lines.push(
        `    ${palette.bad(`${condition.type}=${condition.status}`)}${why === '' ? '' : ` ${why}`}`,
      );
    }
  }
  if (report.podsBehind.length > 0) {
    const state =
      report.routing === undefined
        ? 'a published state'
        : `${report.routing.phase} ${report.routing.currentRevision}`;
    lines.push(`  pods not on ${state} (${report.podsBehind.length} of ${report.pods}):`);
    const table = formatTable([
      ['POD', 'READY', 'APPLIES'],
      ...report.podsBehind.map((pod) => [pod.name, pod.ready ? 'yes' : 'no', appliesText(pod)]),
    ]);
    lines.push(indent(table, '    ').trimEnd());
  }
  return `${lines.join('\n')}\n`;
};

/** Every VirtualApp of a `status` answer, a blank line between them. */
export const statusText = (
  reports: readonly StatusReport[],
  namespace: string,
  palette: Palette,
): string =>
  reports.length === 0
    ? `no VirtualApps in namespace "${namespace}"\n`
    : reports.map((report) => reportText(report, palette)).join('\n');
