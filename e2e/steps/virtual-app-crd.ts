import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { givenCustomResourceDefinition } from './custom-resource-definition.js';

/** The generated VirtualApp CRD, as `deploy/` ships it. */
export const virtualAppCrdFile = path.resolve(
  import.meta.dirname,
  '../../deploy/crds/ctrlmesh.io_virtualapps.yaml',
);

/** Where VirtualApps are served, for client-node's CustomObjectsApi. */
export const virtualApps = { group: 'ctrlmesh.io', version: 'v1alpha1', plural: 'virtualapps' };

/** Applies the VirtualApp CRD from deploy/crds (once per kube-apiserver) and waits until it is served. */
export async function givenVirtualAppCrd(admin: KubeConfig): Promise<void> {
  const crd = parse(await readFile(virtualAppCrdFile, 'utf8')) as V1CustomResourceDefinition;
  await givenCustomResourceDefinition(admin, crd);
}
