import { stringify } from 'yaml';
import { readBundledManifest } from '../bundled-manifest.js';
import type { Cluster, ClusterFlags } from '../cluster.js';
import { ClusterError } from '../cluster-error.js';
import type { CommandContext } from '../command-context.js';
import { EXIT, type ExitCode } from '../exit-code.js';
import { InputError } from '../input-error.js';
import { applyOrder } from './apply-order.js';
import { type ManifestObject, objectId, objectLabel } from './manifest-object.js';
import { type ProgressLine, progressLine } from './progress-line.js';
import { readManifest } from './read-manifest.js';
import {
  caBundleReadiness,
  crdReadiness,
  deploymentReadiness,
  type Readiness,
  webhooksAwaitingCa,
} from './readiness.js';
import { ResourcePaths } from './resource-paths.js';
import { type ReadinessCheck, type WaitOutcome, waitUntilReady } from './wait-until-ready.js';

/** The field manager of everything `install` applies (`kubectl get -o yaml --show-managed-fields`). */
export const FIELD_MANAGER = 'ctrlmesh';

/** What `install` was asked to do. */
export interface InstallOptions extends ClusterFlags {
  /** `-f FILE`, `-` for stdin; absent for the bundled manifest. */
  readonly filename?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly output?: 'yaml' | undefined;
  /** False with `--no-wait`. */
  readonly wait: boolean;
  /** `--timeout` in milliseconds, and as written, for messages. */
  readonly timeoutMs: number;
  readonly timeoutText: string;
}

/** What applying one object did. */
export type Outcome = 'created' | 'configured' | 'unchanged';

const readSource = async (
  context: CommandContext,
  filename: string | undefined,
  version: string,
): Promise<{ text: string; source: string }> => {
  const { io } = context;
  const read = async (what: string, reader: () => string | Promise<string>) => {
    try {
      return await reader();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new InputError(`${what}: cannot read it (${reason})`);
    }
  };
  if (filename === undefined) {
    return {
      text: await read('the bundled manifest', () => readBundledManifest(io)),
      source: `the bundled manifest (deploy/base of ctrlmesh ${version})`,
    };
  }
  if (filename === '-') {
    return { text: await read('standard input', () => io.readStdin()), source: 'stdin' };
  }
  return { text: await read(filename, () => io.readFile(filename)), source: filename };
};

// Fields the apiserver changes on every write, or that only say who wrote what: a dry run of an
// object that would stay as it is still differs from the stored object in these.
const contentOf = (object: unknown): string => {
  const copy = structuredClone(object) as { metadata?: Record<string, unknown> };
  delete copy.metadata?.resourceVersion;
  delete copy.metadata?.managedFields;
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([key, inner]) => [key, sorted(inner)]),
          )
        : value;
  return JSON.stringify(sorted(copy));
};

const resourceVersionOf = (object: unknown): unknown =>
  (object as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;

/** GETs `path`, or undefined when there is no object there. */
const readIfThere = async (cluster: Cluster, path: string): Promise<unknown> => {
  try {
    return await cluster.get(path);
  } catch (error) {
    if (error instanceof ClusterError && error.status === 404) return undefined;
    throw error;
  }
};

/** Rethrows a refused apply naming the object; a refusal of the object itself is an input error. */
const refused = (object: ManifestObject, error: unknown): never => {
  if (error instanceof ClusterError) {
    const message = `cannot apply ${objectId(object)}: ${error.message}`;
    // 400 Bad Request, 422 Invalid: the apiserver understood and refuses the object as written.
    if (error.status === 400 || error.status === 422) throw new InputError(message);
    throw new ClusterError(message, error.status);
  }
  throw error;
};

/** An object applied, where it lives, and what applying it did. */
interface Applied {
  readonly object: ManifestObject;
  readonly path: string;
  readonly namespace?: string | undefined;
  readonly outcome: Outcome;
}

/** Applies objects one by one, reporting each as kubectl does. */
class Applier {
  readonly applied: Applied[] = [];
  // In a dry run, the namespaces that would be created: the apiserver refuses even a dry run
  // of an object in a namespace that is not there.
  private readonly absentNamespaces = new Set<string>();

  constructor(
    private readonly context: CommandContext,
    private readonly cluster: Cluster,
    private readonly paths: ResourcePaths,
    private readonly dryRun: boolean,
    private readonly progress: ProgressLine,
  ) {}

  async apply(object: ManifestObject): Promise<Applied> {
    const where = await this.paths.of(object).catch((error: unknown) => refused(object, error));
    const body =
      where.namespace === undefined
        ? object
        : { ...object, metadata: { ...object.metadata, namespace: where.namespace } };
    let outcome: Outcome;
    let note = '';
    const before = await readIfThere(this.cluster, where.path).catch((error: unknown) =>
      refused(object, error),
    );
    if (
      this.dryRun &&
      where.namespace !== undefined &&
      this.absentNamespaces.has(where.namespace)
    ) {
      outcome = 'created';
      note = `, not checked: namespace ${where.namespace} is not there yet`;
    } else {
      const after = await this.cluster
        .apply(where.path, body, { fieldManager: FIELD_MANAGER, force: true, dryRun: this.dryRun })
        .catch((error: unknown) => refused(object, error));
      // A real apply that changes nothing is not written, so it keeps its resourceVersion; a dry
      // run never writes, so its answer is compared with what is stored instead.
      outcome =
        before === undefined
          ? 'created'
          : (
                this.dryRun
                  ? contentOf(before) === contentOf(after)
                  : resourceVersionOf(before) === resourceVersionOf(after)
              )
            ? 'unchanged'
            : 'configured';
    }
    if (this.dryRun && object.kind === 'Namespace' && outcome === 'created') {
      this.absentNamespaces.add(object.metadata.name);
    }
    const applied: Applied = { object, path: where.path, namespace: where.namespace, outcome };
    this.applied.push(applied);
    this.progress.clear();
    this.context.io.out(
      `${objectId(object)} ${outcome}${this.dryRun ? ` (server dry run${note})` : ''}\n`,
    );
    return applied;
  }
}

/** A check that reads `path` and judges what is there; not there (yet) is waiting. */
const checkOf = (
  cluster: Cluster,
  label: string,
  path: string,
  judge: (stored: unknown) => Readiness,
): ReadinessCheck => ({
  label,
  read: async () => {
    const stored = await readIfThere(cluster, path);
    return stored === undefined ? { state: 'waiting', message: 'not found' } : judge(stored);
  },
});

/** What the manager's readiness is made of: its Deployments and its webhooks' caBundle. */
const managerChecks = (cluster: Cluster, applied: readonly Applied[]): ReadinessCheck[] =>
  applied.flatMap(({ object, path, namespace }): ReadinessCheck[] => {
    if (object.kind === 'Deployment' && object.apiVersion === 'apps/v1') {
      return [checkOf(cluster, objectLabel(object, namespace), path, deploymentReadiness)];
    }
    if (
      object.kind === 'MutatingWebhookConfiguration' ||
      object.kind === 'ValidatingWebhookConfiguration'
    ) {
      const webhooks = webhooksAwaitingCa(object);
      if (webhooks.length === 0) return [];
      return [
        checkOf(cluster, objectLabel(object), path, (stored) =>
          caBundleReadiness(stored, webhooks),
        ),
      ];
    }
    return [];
  });

/** `3 created, 0 configured, 18 unchanged` (or `would be created`, in a dry run). */
const counts = (applied: readonly Applied[], dryRun: boolean): string => {
  const count = (outcome: Outcome) => applied.filter((a) => a.outcome === outcome).length;
  const would = dryRun ? 'would be ' : '';
  return `${count('created')} ${would}created, ${count('configured')} ${would}configured, ${count('unchanged')} unchanged`;
};

/** Reports a wait that did not end ready on stderr; returns the exit status it calls for. */
const notReady = (context: CommandContext, outcome: WaitOutcome, timeout: string): ExitCode => {
  const { io } = context;
  if (outcome.state === 'failed') {
    io.err(`error: ${outcome.failed.label}: ${outcome.failed.message}\n`);
  } else if (outcome.state === 'timeout') {
    io.err(
      `error: not ready within ${timeout}:\n${outcome.pending.map((p) => `  ${p.label}: ${p.message}\n`).join('')}`,
    );
  }
  return EXIT.findings;
};

/**
 * `install`: reads the manifest (the bundled one, a file, or stdin), and either prints it
 * (`-o yaml`) or server-side applies it in order (CRDs, waited for until Established; then
 * namespaces; then the rest), reporting each object, and waits for the manager to be ready.
 */
export const runInstall = async (
  context: CommandContext,
  options: InstallOptions,
  version: string,
): Promise<ExitCode> => {
  const { io, palette } = context;
  const { text, source } = await readSource(context, options.filename, version);
  const objects = applyOrder(readManifest(text, source));
  if (options.output === 'yaml') {
    io.out(objects.map((object) => stringify(object)).join('---\n'));
    return EXIT.ok;
  }
  const dryRun = options.dryRun === true;
  const cluster = await context.connect(io, options);
  const deadline = io.now() + options.timeoutMs;
  const progress = progressLine(io);
  const applier = new Applier(
    context,
    cluster,
    new ResourcePaths(cluster, cluster.namespace),
    dryRun,
    progress,
  );
  const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition');
  const crdsApplied: Applied[] = [];
  for (const crd of crds) crdsApplied.push(await applier.apply(crd));
  if (!dryRun && crdsApplied.length > 0) {
    const established = await waitUntilReady(
      io,
      crdsApplied.map((a) => checkOf(cluster, objectLabel(a.object), a.path, crdReadiness)),
      deadline,
      progress,
    );
    progress.clear();
    if (established.state !== 'ready') {
      const code = notReady(context, established, options.timeoutText);
      io.out(
        `${palette.bad('install stopped')}: only the CustomResourceDefinitions were applied (${counts(applier.applied, false)}); they are not Established\n`,
      );
      return code;
    }
  }
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition') await applier.apply(object);
  }
  const applied = applier.applied;
  const where = `context "${cluster.context}"`;
  if (dryRun) {
    io.out(
      `${palette.strong('dry run')}: ${applied.length} objects of ${source} checked by the apiserver of ${where}: ${counts(applied, true)}; nothing was changed\n`,
    );
    return EXIT.ok;
  }
  const summary = `${applied.length} objects of ${source} applied to ${where} (${counts(applied, false)})`;
  const checks = managerChecks(cluster, applied);
  if (!options.wait || checks.length === 0) {
    const after = checks.length === 0 ? 'nothing to wait for' : 'not waited for (--no-wait): ';
    const names = options.wait ? '' : checks.map((c) => c.label).join(', ');
    io.out(`${palette.ok('installed')}: ${summary}; ${after}${names}\n`);
    return EXIT.ok;
  }
  const outcome = await waitUntilReady(io, checks, deadline, progress);
  progress.clear();
  for (const { label, message } of outcome.ready) io.out(`${label}: ${message}\n`);
  if (outcome.state !== 'ready') {
    const code = notReady(context, outcome, options.timeoutText);
    io.out(`${palette.bad('installed, not ready')}: ${summary}; the manager is not ready\n`);
    return code;
  }
  io.out(`${palette.ok('installed')}: ${summary}; the manager is ready\n`);
  return EXIT.ok;
};
