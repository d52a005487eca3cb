import {
  type CompiledRoutes,
  DEFAULT_SUBSET,
  owner,
  type VirtualApp,
} from '@ctrlmesh/route-engine';
import { type Command, Option } from 'commander';
import type { ClusterFlags } from '../cluster.js';
import { addClusterOptions } from '../cluster-options.js';
import { type CommandContext, examplesText, writeJson } from '../command-context.js';
import { EXIT } from '../exit-code.js';
import { InputError } from '../input-error.js';
import { type LoadedVirtualApp, loadVirtualApp } from '../load-virtual-app.js';
import { ownershipText } from '../ownership-text.js';
import { readRunningVirtualApp } from '../running-virtual-app.js';
import { formatTable } from '../table.js';
import { worldTargets } from '../target-spec.js';
import type { World } from '../world.js';
import { worldFromCluster, worldFromOption } from '../world-option.js';

interface DiffOptions extends ClusterFlags {
  readonly file: string;
  readonly from?: string;
  readonly world?: string;
  readonly cluster?: boolean;
  readonly output: 'text' | 'json';
}

/**
 * The VirtualApp the cluster runs now under NEW's name, in NEW's namespace (or -n's, or the
 * context's); the two must agree when both are given, as kubectl apply insists.
 */
const runningCounterpart = async (
  context: CommandContext,
  options: DiffOptions,
  next: LoadedVirtualApp,
): Promise<{ readonly app: VirtualApp; readonly routes: CompiledRoutes }> => {
  const name = next.app.metadata?.name;
  if (name === undefined) {
    throw new InputError(
      `${next.file} has no metadata.name: it names the VirtualApp to compare with (or pass --from OLD)`,
    );
  }
  const own = next.app.metadata?.namespace;
  if (own !== undefined && options.namespace !== undefined && own !== options.namespace) {
    throw new InputError(
      `${next.file} is in namespace "${own}", not "${options.namespace}" as -n says`,
    );
  }
  const cluster = await context.connect(context.io, options);
  const namespace = own ?? cluster.namespace;
  const running = await readRunningVirtualApp(cluster, namespace, name);
  context.io.err(
    `comparing with VirtualApp ${namespace}/${name} as the cluster runs it: ${running.source}\n`,
  );
  return running;
};

/** A namespace or object whose owner differs between two rule sets. */
export interface OwnerChange {
  readonly target: string;
  readonly kind: 'namespace' | 'object';
  readonly from: string;
  readonly to: string;
}

/** How many namespaces and objects an owner (a subset, `public`, `excluded`) gains and loses. */
export interface OwnerTally {
  readonly owner: string;
  readonly namespaces: { gained: number; lost: number };
  readonly objects: { gained: number; lost: number };
}

/** Everything that changes owner if `next` replaces `previous`, with a tally per owner. */
export interface OwnershipDiff {
  readonly compared: { readonly namespaces: number; readonly objects: number };
  readonly changes: readonly OwnerChange[];
  readonly summary: readonly OwnerTally[];
  /** What the world did not know and was assumed (a namespace's labels taken as empty). */
  readonly warnings: readonly string[];
}

/**
 * Compares who owns each Namespace and object of `world` under `previous` and under `next`.
 * The tally lists subsets in `next`'s spec order, then `previous`'s, the default subset, `public`
 * and `excluded`.
 */
export const diffOwnership = (
  previous: CompiledRoutes,
  next: CompiledRoutes,
  world: World,
): OwnershipDiff => {
  const changes: OwnerChange[] = [];
  const warnings = new Set<string>();
  let namespaces = 0;
  for (const { label, target, warnings: assumed } of worldTargets(world)) {
    for (const warning of assumed) warnings.add(warning);
    const isNamespace = target.group === '' && target.resource === 'namespaces';
    if (isNamespace) namespaces += 1;
    const from = ownershipText(owner(previous, target));
    const to = ownershipText(owner(next, target));
    if (from !== to)
      changes.push({ target: label, kind: isNamespace ? 'namespace' : 'object', from, to });
  }
  const order = [
    ...next.subsets.map((s) => s.name),
    ...previous.subsets.map((s) => s.name),
    DEFAULT_SUBSET,
    'public',
    'excluded',
    ...changes.flatMap((c) => [c.from, c.to]),
  ];
  const tallies = new Map<string, OwnerTally>();
  for (const name of order) {
    if (!tallies.has(name)) {
      tallies.set(name, {
        owner: name,
        namespaces: { gained: 0, lost: 0 },
        objects: { gained: 0, lost: 0 },
      });
    }
  }
  for (const change of changes) {
    const field = change.kind === 'namespace' ? 'namespaces' : 'objects';
    (tallies.get(change.to) as OwnerTally)[field].gained += 1;
    (tallies.get(change.from) as OwnerTally)[field].lost += 1;
  }
  const summary = [...tallies.values()].filter(
    (t) => t.namespaces.gained + t.namespaces.lost + t.objects.gained + t.objects.lost > 0,
  );
  return {
    compared: { namespaces, objects: world.objects.length },
    changes,
    summary,
    warnings: [...warnings],
  };
};

const counted = (n: number, sign: '+' | '-', word: string): string =>
  `${sign}${n} ${word}${n === 1 ? '' : 's'}`;

/** `v2: +3 namespaces, +41 objects`; gains before losses. */
export const tallyLine = (tally: OwnerTally): string => {
  const parts: string[] = [];
  for (const [field, word] of [
    ['namespaces', 'namespace'],
    ['objects', 'object'],
  ] as const) {
    const { gained, lost } = tally[field];
    if (gained > 0) parts.push(counted(gained, '+', word));
    if (lost > 0) parts.push(counted(lost, '-', word));
  }
  return `${tally.owner}: ${parts.join(', ')}`;
};

const printText = (context: CommandContext, diff: OwnershipDiff): void => {
  const { io, palette } = context;
  for (const warning of diff.warnings) io.err(`warning: ${warning}\n`);
  if (diff.changes.length === 0) {
    io.out(
      `no namespace or object changes owner (${diff.compared.namespaces} namespaces, ${diff.compared.objects} objects compared)\n`,
    );
    return;
  }
  io.out(
    formatTable([['TARGET', 'FROM', 'TO'], ...diff.changes.map((c) => [c.target, c.from, c.to])]),
  );
  io.out('\n');
  for (const tally of diff.summary) io.out(`${palette.strong(tallyLine(tally))}\n`);
};

/** `diff -f NEW [--from OLD] (--world FILE | --cluster)`: what changes owner if NEW replaces OLD. */
export const registerDiff = (program: Command, context: CommandContext): void => {
  const command = program
    .command('diff')
    .summary('list what changes owner if one VirtualApp replaces another')
    .description(
      'list the namespaces and objects that change owner (or become excluded or public) if one VirtualApp replaces another, with a summary line per subset',
    )
    .requiredOption('-f, --file <new>', 'the VirtualApp you mean to apply')
    .option(
      '--from <old>',
      'the VirtualApp it replaces (default with --cluster: the one the cluster runs now)',
    )
    .option(
      '--world <file>',
      'namespaces and objects to compare on: what `kubectl get ns,<resources> -A -o yaml` prints',
    )
    .addOption(
      new Option(
        '--cluster',
        'compare on the namespaces and objects of the cluster (the resources either rule set names) and, without --from, against the VirtualApp it runs',
      ).conflicts('world'),
    );
  addClusterOptions(
    command,
    "where to find the running VirtualApp when NEW names no namespace (default: the context's)",
  )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `\nWith --cluster and no --from, NEW is compared with the VirtualApp of its name that the cluster
runs now: the spec of the ControllerRevision its status.routing.currentRevision names (what the
proxies enforce), or its spec when none is published yet.
Exit codes, like diff(1): 0 nothing changes owner, 1 something does, 2 usage error, 3 unusable
input or kubeconfig, 4 the cluster gave no answer (no VirtualApp of that name, say).${examplesText([
        [
          'ctrlmesh diff -f vapp-v2.yaml --from vapp-v1.yaml --world world.yaml',
          'what widening the canary hands over',
        ],
        [
          'ctrlmesh diff -f vapp.yaml --from <(git show main:vapp.yaml) --world world.yaml || echo "owners change"',
          'gate a pipeline on owner changes',
        ],
        [
          'ctrlmesh diff -f vapp.yaml --cluster --context prod',
          'what applying vapp.yaml to prod hands over, on what prod has',
        ],
      ])}`,
    )
    .action(async (options: DiffOptions, command: Command) => {
      const { io } = context;
      if (options.world === undefined && options.cluster !== true) {
        command.error('give --world FILE or --cluster: the namespaces and objects to compare on');
      }
      if (options.from === undefined && options.cluster !== true) {
        command.error('give --from OLD, or --cluster to compare with what the cluster runs');
      }
      const next = loadVirtualApp(io, options.file);
      const previous =
        options.from === undefined
          ? await runningCounterpart(context, options, next)
          : loadVirtualApp(io, options.from);
      const world =
        options.cluster === true
          ? await worldFromCluster(context, options, [next.app, previous.app])
          : worldFromOption(io, options.world);
      const diff = diffOwnership(previous.routes, next.routes, world);
      if (options.output === 'json') writeJson(io, { changed: diff.changes.length > 0, ...diff });
      else printText(context, diff);
      context.exit(diff.changes.length > 0 ? EXIT.findings : EXIT.ok);
    });
};
