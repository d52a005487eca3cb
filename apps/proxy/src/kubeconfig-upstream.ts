import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string } }[];
  clusters?: { name: string; cluster?: KubeconfigCluster }[];
}

/** The slice of `upstream` a kubeconfig sets. */
export interface KubeconfigUpstream {
  readonly url: string;
  readonly caFile?: string;
  readonly caData?: string;
  readonly insecureSkipTlsVerify?: true;
}

/**
 * The server and CA of a kubeconfig's current context, read as kubectl reads them; throws, with
 * kubectl's wording, where kubectl refuses. `file` is where `text` came from: relative paths in it
 * are relative to its folder. The kubeconfig's user is not read: the proxy forwards the
 * controller's own credentials and has its own token for itself (`--token-file`).
 */
export const kubeconfigUpstream = (file: string, text: string): KubeconfigUpstream => {
  const doc = (parse(text) ?? {}) as Kubeconfig;
  const fail = (problem: string) => new Error(`kubeconfig ${file}: ${problem}`);
  const contextName = doc['current-context'];
  // kubectl uses no context at all then; picking one would talk to a cluster nobody chose.
  if (!contextName) throw fail('current-context is not set');
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (context === undefined)
    throw fail(`context was not found for specified context: ${contextName}`);
  const clusterName = context.cluster ?? '';
  const cluster = doc.clusters?.find((c) => c.name === clusterName)?.cluster;
  if (!cluster?.server) throw fail(`no server found for cluster "${clusterName}"`);
  const caFile = cluster['certificate-authority'];
  const caData = cluster['certificate-authority-data'];
  return {
    url: cluster.server,
    // As client-go: the data wins over the file, and a file's relative path starts at the
    // kubeconfig's folder, not at the working directory.
    ...(caData
      ? { caData: Buffer.from(caData, 'base64').toString('utf8') }
      : caFile
        ? { caFile: resolve(dirname(file), caFile) }
        : {}),
    ...(cluster['insecure-skip-tls-verify'] ? { insecureSkipTlsVerify: true } : {}),
  };
};
