import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { namespaceType } from '../steps/canary-virtual-app.js';
import {
  eventuallyReconciledBy,
  reconciledBy,
  watchLabel,
} from '../steps/sample-controller-replicas.js';
import { createRunNamespace, type RunNamespaces } from '../support/run-namespace.js';

/** A namespace of the demo, with the one labelled ConfigMap (`settings`) the controllers reconcile. */
export interface DemoNamespace {
  name: string;
  /** The labels that matter to the VirtualApp (the run-id label is left out of the tables). */
  labels: Record<string, string>;
  /** Where the story starts it: a team's (v1), the canary's (v2), or excluded for everyone. */
  role: 'team' | 'canary' | 'system';
  /** Why, in a few words. */
  why: string;
}

/** The small cluster the story plays in: two teams, two canaries (by label, by name), one system. */
const plan: (Omit<DemoNamespace, 'name'> & { prefix: string })[] = [
  { prefix: 'team-payments', labels: { team: 'payments' }, role: 'team', why: 'plain' },
  { prefix: 'team-search', labels: { team: 'search' }, role: 'team', why: 'plain' },
  { prefix: 'shop', labels: { [namespaceType]: 'canary' }, role: 'canary', why: 'by label' },
  { prefix: 'canary', labels: {}, role: 'canary', why: 'by name (^canary-)' },
  { prefix: 'infra', labels: { [namespaceType]: 'system' }, role: 'system', why: 'excluded' },
];

/** The ConfigMap every demo namespace holds. */
export const configMapName = 'settings';

/** Creates the demo's namespaces, each with a ConfigMap the sample controllers watch. */
export async function createDemoNamespaces(
  runNamespaces: RunNamespaces,
  core: CoreV1Api,
): Promise<DemoNamespace[]> {
  const namespaces: DemoNamespace[] = [];
  for (const { prefix, ...namespace } of plan) {
    const name = await createRunNamespace(runNamespaces, prefix, namespace.labels);
    await core.createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: configMapName, labels: watchLabel() }, data: { team: prefix } },
    });
    namespaces.push({ name, ...namespace });
  }
  return namespaces;
}

/** `k=v,k=v`, or `-` for none. */
export const formatLabels = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',') || '-';

/**
 * Waits until each namespace's ConfigMap is reconciled by the stamp `expected` gives it
 * (`<pod>@<version>`); namespaces with no stamp must stay untouched while the others are done.
 */
export async function eventuallyReconciledAsExpected(
  core: CoreV1Api,
  namespaces: readonly DemoNamespace[],
  expected: (namespace: DemoNamespace) => string | undefined,
): Promise<void> {
  for (const namespace of namespaces) {
    const stamp = expected(namespace);
    if (stamp) await eventuallyReconciledBy(core, namespace.name, configMapName, stamp, 60_000);
  }
  // The untouched ones had the same chance as the rest, and a little more.
  await sleep(2_000);
  for (const namespace of namespaces.filter((ns) => !expected(ns))) {
    const stamp = await annotationOf(core, namespace);
    if (stamp) throw new Error(`${namespace.name} is excluded, yet reconciled by ${stamp}`);
  }
}

const annotationOf = async (core: CoreV1Api, namespace: DemoNamespace) =>
  (await core.readNamespacedConfigMap({ name: configMapName, namespace: namespace.name })).metadata
    ?.annotations?.[reconciledBy];

/** Rows `namespace | labels | reconciled-by`, read from the apiserver now. */
export async function reconciledRows(
  core: CoreV1Api,
  namespaces: readonly DemoNamespace[],
): Promise<string[][]> {
  return Promise.all(
    namespaces.map(async (namespace) => [
      namespace.name,
      formatLabels(namespace.labels),
      (await annotationOf(core, namespace)) ?? '(nobody)',
    ]),
  );
}
