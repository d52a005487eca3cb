// Small vocabularies keep random rules and random worlds overlapping, so that generated
// selectors and regexes actually match something and every rule of DESIGN §4 gets exercised.

/** Namespace names random worlds and regexes draw from. */
export const NAMESPACE_NAMES = [
  'default',
  'kube-system',
  'canary-a',
  'canary-b',
  'team-x',
  'lab',
  'my-canary',
] as const;

/** Label keys used for namespaces, objects and selectors. */
export const LABEL_KEYS = ['ns-type', 'env', 'shard', 'example.com/team'] as const;

/** Label values used for namespaces, objects and selectors. */
export const LABEL_VALUES = ['a', 'b', 'system', 'canary-1', ''] as const;

/** RE2 patterns for `namespaceRegex`, anchored and not. */
export const NAMESPACE_REGEXES = [
  '^canary',
  'canary',
  '^team-.*$',
  '^(lab|default)$',
  'a',
  'x',
] as const;

/** User agents; the first is the one apps may mark default-only. */
export const USER_AGENTS = ['inventory/v1', 'kubectl/v1.31', 'controller/v2'] as const;

/** Resources of namespaced targets: group, resource, optional subresource. */
export const NAMESPACED_RESOURCES = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'pods', subresource: 'log' },
  { group: '', resource: 'configmaps' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'deployments', subresource: 'scale' },
] as const;

/** Resources of cluster-scoped targets. */
export const CLUSTER_RESOURCES = [
  { group: '', resource: 'nodes' },
  { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
] as const;

/** `APIGroupResource` entries covering names, wildcards and subresource patterns. */
export const API_GROUP_RESOURCES = [
  { apiGroups: [''], resources: ['pods'] },
  { apiGroups: [''], resources: ['configmaps'] },
  { apiGroups: ['apps'], resources: ['deployments'] },
  { apiGroups: ['*'], resources: ['*'] },
  { apiGroups: [''], resources: ['pods/log'] },
  { apiGroups: ['*'], resources: ['*/scale'] },
  { apiGroups: [''], resources: ['nodes', 'namespaces'] },
  { apiGroups: ['*'], resources: ['*/*'] },
  { apiGroups: ['apps', ''], resources: ['pods', 'deployments'] },
] as const;
