import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { givenCustomResourceDefinition } from './custom-resource-definition.js';

/** The generated TrafficPolicy and FaultInjection CRDs, as `deploy/` ships them. */
export const trafficPolicyCrdFiles = ['trafficpolicies', 'faultinjections'].map((plural) =>
  path.resolve(import.meta.dirname, `../../deploy/crds/ctrlmesh.io_${plural}.yaml`),
);

/** Where the policies are served, for client-node's CustomObjectsApi. */
export const trafficPolicies = {
  group: 'ctrlmesh.io',
  version: 'v1alpha1',
  plural: 'trafficpolicies',
};
export const faultInjections = {
  group: 'ctrlmesh.io',
  version: 'v1alpha1',
  plural: 'faultinjections',
};

/** Applies both policy CRDs from deploy/crds (once per kube-apiserver) and waits until they are served. */
export async function givenTrafficPolicyCrds(admin: KubeConfig): Promise<void> {
  for (const file of trafficPolicyCrdFiles) {
    const crd = parse(await readFile(file, 'utf8')) as V1CustomResourceDefinition;
    await givenCustomResourceDefinition(admin, crd);
  }
}
