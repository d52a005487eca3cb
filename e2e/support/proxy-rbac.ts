import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Role,
  V1RoleBinding,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** Where the RBAC for the proxy's own token is documented (section "Namespace labels"). */
export const proxyRbacReadme = path.resolve(
  import.meta.dirname,
  '../../packages/proxy-runtime/README.md',
);

/** The ClusterRole and ClusterRoleBinding that proxy-runtime's README gives the proxy's token. */
export interface ProxyRbac {
  clusterRole: V1ClusterRole;
  clusterRoleBinding: V1ClusterRoleBinding;
}

/**
 * Reads the RBAC for the proxy's own token from the one YAML block of proxy-runtime's README that
 * holds a ClusterRole, so the e2e proxies run with exactly what users are told to grant and the
 * documentation cannot drift from what is tested.
 */
export function documentedProxyRbac(): ProxyRbac {
  const readme = readFileSync(proxyRbacReadme, 'utf8');
  const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((match) => parseAllDocuments(match[1] ?? '').map((document) => document.toJS()))
    .filter((documents) => documents.some((document) => document?.kind === 'ClusterRole'));
  if (blocks.length !== 1) {
    throw new Error(
      `${proxyRbacReadme}: expected one YAML block with a ClusterRole, found ${blocks.length}`,
    );
  }
  const documents = blocks[0] ?? [];
  const clusterRole = documents.find((document) => document?.kind === 'ClusterRole');
  const clusterRoleBinding = documents.find((document) => document?.kind === 'ClusterRoleBinding');
  if (!clusterRoleBinding) {
    throw new Error(`${proxyRbacReadme}: the ClusterRole's YAML block has no ClusterRoleBinding`);
  }
  return { clusterRole, clusterRoleBinding };
}

/** The Role and RoleBinding that proxy-runtime's README gives the proxy's token for cluster mode. */
export interface ProxyRoutesRbac {
  role: V1Role;
  roleBinding: V1RoleBinding;
}

/**
 * Reads the Role for cluster mode (section "Routes from the cluster") from the one YAML block of
 * proxy-runtime's README that holds a Role, as {@link documentedProxyRbac} reads the ClusterRole.
 */
export function documentedProxyRoutesRbac(): ProxyRoutesRbac {
  const readme = readFileSync(proxyRbacReadme, 'utf8');
  const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((match) => parseAllDocuments(match[1] ?? '').map((document) => document.toJS()))
    .filter((documents) => documents.some((document) => document?.kind === 'Role'));
  if (blocks.length !== 1) {
    throw new Error(
      `${proxyRbacReadme}: expected one YAML block with a Role, found ${blocks.length}`,
    );
  }
  const documents = blocks[0] ?? [];
  const role = documents.find((document) => document?.kind === 'Role');
  const roleBinding = documents.find((document) => document?.kind === 'RoleBinding');
  if (!roleBinding) throw new Error(`${proxyRbacReadme}: the Role's YAML block has no RoleBinding`);
  return { role, roleBinding };
}
