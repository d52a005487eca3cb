import { explain, type Ownership } from '@ctrlmesh/route-engine';
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { addClusterOptions } from '../cluster-options.js';
import { type CommandContext, examplesText, writeJson } from '../command-context.js';
import { EXIT } from '../exit-code.js';
import { loadVirtualApp } from '../load-virtual-app.js';
import { ownershipText } from '../ownership-text.js';
import { formatTable } from '../table.js';
import { TARGET_FORMS, worldTargets } from '../target-spec.js';
import {
  resolveTargets,
  targetResources,
  worldFromCluster,
  worldFromOption,
} from '../world-option.js';

interface ExplainOptions {
  readonly file: string;
  readonly world?: string;
  readonly cluster?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly output: 'table' | 'json' | 'yaml';
  readonly reasons?: boolean;
  readonly userAgent?: string;
}

/** One explained target, as `-o json|yaml` prints it. */
export interface ExplainedTarget {
  readonly target: string;
  readonly owner: string;
  readonly ownership: Ownership;
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
}

const printTable = (
  context: CommandContext,
  explained: readonly ExplainedTarget[],
  withReasons: boolean,
): void => {
  const { io, palette } = context;
  for (const warning of new Set(explained.flatMap((e) => e.warnings))) {
    io.err(`warning: ${warning}\n`);
  }
  if (!withReasons) {
    io.out(formatTable([['TARGET', 'OWNER'], ...explained.map((e) => [e.target, e.owner])]));
    return;
  }
  for (const entry of explained) {
    io.out(`${palette.strong(entry.target)}: ${entry.owner}\n`);
    // The first reason describes the target again; the chain that follows is the answer's.
    for (const reason of entry.reasons) io.out(`  ${palette.note(reason)}\n`);
  }
};

/** `explain -f VAPP (--world FILE | --cluster) [TARGET...]`: who owns each target, and why. */
export const registerExplain = (program: Command, context: CommandContext): void => {
  const command = program
    .command('explain')
    .summary('say who owns each namespace, object or request, and why')
    .description(
      'say which subset owns each namespace, object or request, with the chain of reasons',
    )
    .argument(
      '[target...]',
      `what to explain: ${TARGET_FORMS}; default: everything in --world or --cluster`,
    )
    .requiredOption('-f, --file <vapp>', 'the VirtualApp (YAML or JSON)')
    .option(
      '--world <file>',
      'namespaces and objects to decide on: what `kubectl get ns,<resources> -A -o yaml` prints',
    )
    .addOption(
      new Option(
        '--cluster',
        'read the namespaces and objects from the cluster: the objects of the resources the rules (and targets) name',
      ).conflicts('world'),
    );
  addClusterOptions(command)
    .option(
      '--user-agent <ua>',
      'the user agent the controller sends (subsetDefaultOnlyUserAgents)',
    )
    .option('--reasons', 'print the reasons (default when targets are given)')
    .option('--no-reasons', 'print the table only (default for the whole world)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .addHelpText(
      'after',
      `\nObjects are looked up in --world for their labels; a namespace missing from it is taken to have
no labels (with a warning), and an object missing from it has labels not known, so rules with an
objectSelector may leave the answer open. --cluster reads the same from the cluster of the
kubeconfig (--kubeconfig, $KUBECONFIG, --context as kubectl), listing names and labels only.
Exit codes: 0 explained, 2 usage error (a malformed target), 3 unusable VirtualApp, world file or
kubeconfig, 4 the cluster gave no answer.${examplesText([
        [
          'ctrlmesh explain -f vapp.yaml --world world.yaml',
          'the owner of every namespace and object in the world',
        ],
        [
          'ctrlmesh explain -f vapp.yaml --world world.yaml ns/team-a apps/deployments/team-a/web',
          'why a namespace and a Deployment go where they go',
        ],
        [
          'ctrlmesh explain -f vapp.yaml --world world.yaml "GET /api/v1/namespaces/team-a/configmaps"',
          'who sees a list request',
        ],
        [
          'ctrlmesh explain -f vapp.yaml --cluster --context staging',
          'the owner of every namespace, and object the rules name, in a live cluster',
        ],
        [
          'kubectl get ns,cm,deploy -A -o yaml > world.yaml && ctrlmesh explain -f vapp.yaml --world world.yaml -o json',
          'the same for a script, from a saved copy of a cluster',
        ],
      ])}`,
    )
    .action(async (specs: string[], options: ExplainOptions, command: Command) => {
      const { io } = context;
      if (specs.length === 0 && options.world === undefined && options.cluster !== true) {
        command.error(
          'give targets to explain, or --world FILE or --cluster to explain everything in it',
        );
      }
      const { app, routes } = loadVirtualApp(io, options.file);
      const world =
        options.cluster === true
          ? await worldFromCluster(context, options, [app], targetResources(specs))
          : worldFromOption(io, options.world);
      const targets =
        specs.length === 0
          ? worldTargets(world, options.userAgent)
          : resolveTargets(specs, world, options.userAgent);
      if ('error' in targets) return command.error(`${targets.error}`);
      const explained: ExplainedTarget[] = targets.map(({ label, target, warnings }) => {
        const { ownership, reasons } = explain(routes, target);
        return { target: label, owner: ownershipText(ownership), ownership, reasons, warnings };
      });
      if (options.output === 'json') writeJson(io, explained);
      else if (options.output === 'yaml') io.out(stringify(explained));
      else printTable(context, explained, options.reasons ?? specs.length > 0);
      context.exit(EXIT.ok);
    });
};
