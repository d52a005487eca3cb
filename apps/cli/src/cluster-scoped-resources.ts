import type { World } from './world.js';

// Kubernetes' own cluster-scoped resources, by `resource.group` (`resource` for the core group):
// offline there is no discovery to ask.
const BUILT_IN = new Set([
  'namespaces',
  'nodes',
  'persistentvolumes',
  'componentstatuses',
  'apiservices.apiregistration.k8s.io',
  'customresourcedefinitions.apiextensions.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingadmissionpolicies.admissionregistration.k8s.io',
  'validatingadmissionpolicybindings.admissionregistration.k8s.io',
  'certificatesigningrequests.certificates.k8s.io',
  'storageclasses.storage.k8s.io',
  'csidrivers.storage.k8s.io',
  'csinodes.storage.k8s.io',
  'volumeattachments.storage.k8s.io',
  'priorityclasses.scheduling.k8s.io',
  'runtimeclasses.node.k8s.io',
  'ingressclasses.networking.k8s.io',
  'flowschemas.flowcontrol.apiserver.k8s.io',
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io',
]);

/**
 * Whether a resource is cluster-scoped, as far as an offline command can tell: one of
 * Kubernetes' own, or a resource the world holds an object of without a namespace.
 */
export const isClusterScoped = (world: World, group: string, resource: string): boolean =>
  BUILT_IN.has(group === '' ? resource : `${resource}.${group}`) ||
  world.objects.some(
    (o) => o.group === group && o.resource === resource && o.namespace === undefined,
  );
