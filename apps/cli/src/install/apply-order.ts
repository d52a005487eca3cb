import type { ManifestObject } from './manifest-object.js';

// The rank of a kind in the apply order; kinds not listed (custom resources, anything else) sit
// between the workloads and the webhook configurations.
const RANKS: Readonly<Record<string, number>> = {
  // Definitions first: nothing of their kinds can be applied before they are Established.
  CustomResourceDefinition: 0,
  // Then the namespaces everything else lives in.
  Namespace: 1,
  // What workloads read or run as, so that pods find them when they start.
  ServiceAccount: 2,
  Secret: 2,
  ConfigMap: 2,
  ClusterRole: 3,
  Role: 3,
  ClusterRoleBinding: 4,
  RoleBinding: 4,
  // A policy before its binding: a binding to a missing policy is refused by nothing, but
  // enforces nothing either.
  ValidatingAdmissionPolicy: 5,
  ValidatingAdmissionPolicyBinding: 6,
  MutatingAdmissionPolicy: 5,
  MutatingAdmissionPolicyBinding: 6,
  Service: 7,
  NetworkPolicy: 7,
  PodDisruptionBudget: 7,
  Deployment: 8,
  StatefulSet: 8,
  DaemonSet: 8,
  Job: 8,
  CronJob: 8,
};
const OTHER = 9;
// Last: a webhook configuration sends requests to its Service as soon as it exists; applied
// after everything else, it cannot stand in the way of applying the rest.
const WEBHOOKS: Readonly<Record<string, number>> = {
  MutatingWebhookConfiguration: 10,
  ValidatingWebhookConfiguration: 10,
};

/** Where `kind` goes in the apply order: lower first. */
export const applyRank = (kind: string): number => RANKS[kind] ?? WEBHOOKS[kind] ?? OTHER;

/**
 * The objects in the order they are applied: CustomResourceDefinitions, then Namespaces, then
 * service accounts and RBAC, admission policies, Services, workloads, other kinds (custom
 * resources), and webhook configurations last. Objects of one rank keep the manifest's order.
 */
export const applyOrder = (objects: readonly ManifestObject[]): ManifestObject[] =>
  objects
    .map((object, index) => ({ object, index, rank: applyRank(object.kind) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ object }) => object);
