import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import type { Cluster, ClusterFlags } from '../cluster.js';
import { ClusterError } from '../cluster-error.js';
import { addClusterOptions } from '../cluster-options.js';
import { type CommandContext, examplesText, writeJson } from '../command-context.js';
import { EXIT, type ExitCode } from '../exit-code.js';
import { virtualAppsPath } from '../running-virtual-app.js';
import { statusText } from '../status-text.js';
import { eraseSequence } from '../terminal-redraw.js';
import {
  type StatusReport,
  type StoredPod,
  type StoredVirtualApp,
  statusReport,
} from '../virtual-app-status.js';

interface StatusOptions extends ClusterFlags {
  readonly output: 'text' | 'json' | 'yaml';
  readonly watch?: boolean;
}

const podsPath = (namespace: string): string =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;

/** Reads the VirtualApps asked for (one, or all of the namespace) and the namespace's pods. */
const readReports = async (
  cluster: Cluster,
  namespace: string,
  name: string | undefined,
): Promise<StatusReport[]> => {
  let apps: StoredVirtualApp[];
  if (name === undefined) {
    const list = (await cluster.get(virtualAppsPath(namespace))) as {
      items?: StoredVirtualApp[] | null;
    };
    apps = list.items ?? [];
  } else {
    try {
      apps = [(await cluster.get(virtualAppsPath(namespace, name))) as StoredVirtualApp];
    } catch (error) {
      if (error instanceof ClusterError && error.status === 404) {
        throw new ClusterError(`no VirtualApp "${name}" in namespace "${namespace}"`, 404);
      }
      throw error;
    }
  }
  if (apps.length === 0) return [];
  const pods =
    ((await cluster.get(podsPath(namespace))) as { items?: StoredPod[] | null }).items ?? [];
  return apps.map((app) => statusReport(app, pods));
};

const exitCodeOf = (reports: readonly StatusReport[]): ExitCode =>
  reports.every((report) => report.settled) ? EXIT.ok : EXIT.findings;

/**
 * Renders an answer in the output format; `stream` (watching, not on a terminal) asks for one
 * JSON line per answer, so a script can read them as JSON Lines.
 */
const render = (
  context: CommandContext,
  reports: readonly StatusReport[],
  namespace: string,
  output: StatusOptions['output'],
  stream: boolean,
): string => {
  if (output === 'json') return `${JSON.stringify(reports, null, stream ? undefined : 2)}\n`;
  if (output === 'yaml') return stringify(reports);
  return statusText(reports, namespace, context.palette);
};

/**
 * Follows the VirtualApps until interrupted: watches VirtualApps and pods, reads everything
 * again after each burst of events, and prints the answer whenever it differs from the last.
 * Returns the exit code of the last answer.
 */
const follow = async (
  context: CommandContext,
  cluster: Cluster,
  namespace: string,
  name: string | undefined,
  output: StatusOptions['output'],
  first: readonly StatusReport[],
): Promise<ExitCode> => {
  const { io } = context;
  const inPlace = io.stdoutIsTTY;
  const signal = io.interrupted();
  let last: string | undefined;
  let code = exitCodeOf(first);
  const show = (reports: readonly StatusReport[]): void => {
    const text = render(context, reports, namespace, output, !inPlace);
    code = exitCodeOf(reports);
    if (text === last) return;
    if (inPlace) io.out(`${eraseSequence(last, io.columns)}${text}`);
    else io.out(last === undefined || output === 'json' ? text : `---\n${text}`);
    last = text;
  };
  show(first);
  // Events come in bursts (a watch starts with every object): one read answers a burst, and
  // an event during a read asks for one more read after it.
  let reading: Promise<void> | undefined;
  let again = false;
  const refresh = (): void => {
    if (signal.aborted) return;
    if (reading !== undefined) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          show(await readReports(cluster, namespace, name));
        } catch (error) {
          io.err(`warning: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      } while (again && !signal.aborted);
    })().finally(() => {
      reading = undefined;
    });
  };
  const warn = (error: Error): void => io.err(`warning: ${error.message}\n`);
  const vappsWatch =
    name === undefined
      ? virtualAppsPath(namespace)
      : `${virtualAppsPath(namespace)}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
  cluster.watch(vappsWatch, refresh, warn, signal);
  cluster.watch(podsPath(namespace), refresh, warn, signal);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await reading;
  return code;
};

/** `status [-n NS] [NAME] [--watch]`: how VirtualApps roll out, as the manager and proxies report. */
export const registerStatus = (program: Command, context: CommandContext): void => {
  const command = program
    .command('status')
    .summary('show how VirtualApps roll out: revision, phase, subsets, conditions, pods behind')
    .description(
      'show each VirtualApp of a namespace (or the one named) as the cluster has it: the published revision and phase, its subsets with pods ready and up to date, its conditions (with reason and message when not healthy), and the pods whose proxy applies another revision or phase',
    )
    .argument('[name]', 'the VirtualApp (default: every VirtualApp of the namespace)');
  addClusterOptions(command, "the namespace (default: the context's, else default)")
    .option('-w, --watch', 'keep following: redraw in place on a terminal, else print each change')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'yaml'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `\nA pod is up to date when its proxy's ctrlmesh.io/RoutesApplied condition is True with reason =
the published phase and message = the current revision. With --watch, on a terminal the view is
redrawn in place as VirtualApps and pods change; piped, each change is printed as a new block
after a "---" line (with -o json, one JSON line per change). It runs until interrupted (Ctrl-C).
Exit codes: 0 every VirtualApp shown is Settled, healthy and up to date on every pod; 1 one is
not (a handover in progress, a condition not healthy, pods behind, nothing published yet); with
--watch, the same for the last state shown; 2 usage error; 3 unusable kubeconfig; 4 the cluster
gave no answer, or has no VirtualApp of the name given.${examplesText([
        ['ctrlmesh status -n operators', 'every VirtualApp of a namespace'],
        ['ctrlmesh status -n operators sample-operator --watch', 'follow a rollout live'],
        [
          'ctrlmesh status -n operators sample-operator -o json | jq .[0].podsBehind',
          'the pods still on another revision, for a script',
        ],
      ])}`,
    )
    .action(async (name: string | undefined, options: StatusOptions) => {
      const cluster = await context.connect(context.io, options);
      const namespace = cluster.namespace;
      const reports = await readReports(cluster, namespace, name);
      if (options.watch === true) {
        context.exit(await follow(context, cluster, namespace, name, options.output, reports));
        return;
      }
      if (options.output === 'json') writeJson(context.io, reports);
      else context.io.out(render(context, reports, namespace, options.output, false));
      context.exit(exitCodeOf(reports));
    });
};
