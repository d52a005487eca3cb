import { parseDuration } from '@ctrlmesh/runtime-support/duration';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { addClusterOptions } from '../cluster-options.js';
import { type CommandContext, examplesText } from '../command-context.js';

interface InstallFlags {
  readonly filename?: string;
  readonly dryRun?: boolean;
  readonly output?: 'yaml';
  readonly wait: boolean;
  readonly timeout: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

const duration = (text: string): string => {
  if (parseDuration(text) === undefined) {
    throw new InvalidArgumentError('expected a duration such as 90s, 5m or 1h30m');
  }
  return text;
};

/** `install [-f FILE|-] [--dry-run] [-o yaml]`: applies ControllerMesh and waits for the manager. */
export const registerInstall = (
  program: Command,
  context: CommandContext,
  version: string,
): void => {
  const command = program
    .command('install')
    .summary('install ControllerMesh on a cluster (server-side apply) and wait for the manager')
    .description(
      "server-side apply ControllerMesh to a cluster: the manifests of deploy/base bundled with this version (CRDs, namespace ctrlmesh-system, RBAC, admission policies, the manager and its webhooks), or any rendered manifest given with -f; then wait for the manager to roll out and write its webhooks' caBundle",
    )
    .option('-f, --filename <file>', 'apply this rendered manifest instead (- reads stdin)')
    .option('--dry-run', 'ask the apiserver what would change (dryRun=All); change nothing')
    .addOption(
      new Option(
        '-o, --output <format>',
        'print the objects that would be applied, without a cluster',
      ).choices(['yaml']),
    )
    .option('--no-wait', 'return once applied, without waiting for the manager')
    .option(
      '--timeout <duration>',
      'how long to wait for the CRDs and the manager (90s, 5m, 1h)',
      duration,
      '5m',
    );
  addClusterOptions(command).addHelpText(
    'after',
    `
Objects are applied with server-side apply as field manager "${'ctrlmesh'}", taking over fields
another manager set (like kubectl apply --server-side --force-conflicts): install declares how
ControllerMesh runs, and upgrading is installing again. Fields the manifest leaves out, such as
the caBundle the manager writes into its webhooks, are left to whoever set them. The order:
CustomResourceDefinitions (waited for until Established), namespaces, service accounts and RBAC,
admission policies, Services, workloads, other kinds, webhook configurations last. Each object is
reported as kubectl does: created, configured (the apply changed it: a new resourceVersion), or
unchanged. With --dry-run nothing is written: every object is checked by the apiserver, and one in
a namespace the manifest creates is reported created without a check.
Then install waits for each Deployment to roll out as kubectl rollout status judges it and for
each webhook that calls a Service without a caBundle to get one from the manager, showing
progress on stderr (redrawn in place on a terminal), for at most --timeout.
Exit codes: 0 applied (and the manager ready, unless --no-wait); 1 applied, but not ready within
--timeout (stderr names what is not); 2 usage error; 3 unusable manifest or kubeconfig, or an
object the apiserver refuses as invalid; 4 the cluster cannot be reached or refuses a request
(e.g. RBAC).${examplesText([
      ['ctrlmesh install', 'install ControllerMesh with the current kubeconfig context'],
      ['ctrlmesh install --dry-run --context staging', 'see what would change, changing nothing'],
      ['ctrlmesh install -o yaml > ctrlmesh.yaml', 'the manifest, to review or commit'],
      [
        'kustomize build deploy/overlays/local-demo | ctrlmesh install -f -',
        'install an overlay of your own',
      ],
      ['ctrlmesh install --no-wait', 'apply and return at once'],
    ])}`,
  );
  command.action(async (flags: InstallFlags) => {
    if (flags.output !== undefined && flags.dryRun === true) {
      command.error(
        'error: -o yaml prints the manifest without a cluster and --dry-run asks a cluster: use one of them',
        { exitCode: 2, code: 'ctrlmesh.usage' },
      );
    }
    // Loaded only now: the other commands never read the manifest or its code.
    const { runInstall } = await import('../install/run-install.js');
    context.exit(
      await runInstall(
        context,
        {
          filename: flags.filename,
          dryRun: flags.dryRun,
          output: flags.output,
          wait: flags.wait,
          timeoutMs: parseDuration(flags.timeout) ?? 0,
          timeoutText: flags.timeout,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
        },
        version,
      ),
    );
  });
};
