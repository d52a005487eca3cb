import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { CliIo } from '../cli-io.js';
import type { ClusterFlags } from '../cluster.js';
import { InputError } from '../input-error.js';

/** A kubeconfig loaded as kubectl loads it, with the context and namespace the flags chose. */
export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly namespace: string;
  /** The files read, in precedence order, for messages. */
  readonly files: readonly string[];
}

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';

/** Reads one kubeconfig file; paths inside it (certificates, token files) are relative to it. */
const readKubeConfig = (io: CliIo, file: string): KubeConfig => {
  const config = new KubeConfig();
  const text = io.readFile(file);
  try {
    config.loadFromString(text);
  } catch (error) {
    throw new InputError(
      `${file} is not a kubeconfig: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  config.makePathsAbsolute(dirname(resolve(file)));
  return config;
};

/** The files to read, as kubectl chooses them: the flag, else `KUBECONFIG`, else the default. */
const kubeConfigFiles = (
  io: CliIo,
  flags: ClusterFlags,
): { files: string[]; explicit: boolean } => {
  if (flags.kubeconfig !== undefined) return { files: [flags.kubeconfig], explicit: true };
  const fromEnv = (io.env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) return { files: [...new Set(fromEnv)], explicit: false };
  const home = io.env.HOME ?? io.env.USERPROFILE;
  return { files: home === undefined ? [] : [join(home, '.kube', 'config')], explicit: false };
};

/**
 * Merges kubeconfigs the way kubectl does: the first file to define a cluster, user or context
 * of a name wins, and so does the first `current-context` set.
 */
const mergeKubeConfigs = (configs: readonly KubeConfig[]): KubeConfig => {
  const firstByName = <T extends { name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const kept = new Map<string, T>();
    for (const item of lists.flat()) if (!kept.has(item.name)) kept.set(item.name, item);
    return [...kept.values()];
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(configs.map((c) => c.getClusters() ?? [])),
    users: firstByName(configs.map((c) => c.getUsers() ?? [])),
    contexts: firstByName(configs.map((c) => c.getContexts() ?? [])),
    currentContext: configs.map((c) => c.getCurrentContext()).find((name) => !!name) ?? '',
  });
  return merged;
};

/**
 * Loads the kubeconfig kubectl would for the same flags and environment: `--kubeconfig FILE`
 * alone (it must exist); else every file of `KUBECONFIG` (missing ones skipped), merged; else
 * `~/.kube/config`. `--context` replaces the current context and `--namespace` the context's
 * namespace (else `default`). Throws an {@link InputError} saying what is missing or wrong.
 */
export const loadKubeConfig = (io: CliIo, flags: ClusterFlags): LoadedKubeConfig => {
  const { files, explicit } = kubeConfigFiles(io, flags);
  const configs: KubeConfig[] = [];
  const read: string[] = [];
  for (const file of files) {
    try {
      configs.push(readKubeConfig(io, file));
      read.push(file);
    } catch (error) {
      if (isMissing(error) && !explicit) continue;
      if (error instanceof InputError) throw error;
      throw new InputError(
        `cannot read kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (configs.length === 0) {
    throw new InputError(
      `no kubeconfig found (looked at ${files.length > 0 ? files.join(', ') : '$HOME/.kube/config'}): pass --kubeconfig FILE or set KUBECONFIG`,
    );
  }
  const kubeConfig = mergeKubeConfigs(configs);
  const context = flags.context ?? kubeConfig.getCurrentContext();
  if (!context) {
    throw new InputError(
      `${read.join(', ')}: no current context; pass --context NAME (one of: ${kubeConfig
        .getContexts()
        .map((c) => c.name)
        .join(', ')})`,
    );
  }
  const contextObject = kubeConfig.getContextObject(context);
  if (contextObject === null) {
    throw new InputError(`context "${context}" is not in ${read.join(', ')}`);
  }
  if (kubeConfig.getCluster(contextObject.cluster) === null) {
    throw new InputError(
      `context "${context}" names cluster "${contextObject.cluster}", which is not in ${read.join(', ')}`,
    );
  }
  kubeConfig.setCurrentContext(context);
  return {
    kubeConfig,
    context,
    namespace: flags.namespace ?? (contextObject.namespace || 'default'),
    files: read,
  };
};
