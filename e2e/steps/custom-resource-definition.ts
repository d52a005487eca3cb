import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { eventually } from '../support/eventually.js';

/**
 * Creates `crd` and waits for its Established condition, after which the apiserver serves the
 * new resource (the apiextensions controllers run inside kube-apiserver, not the controller-manager).
 * One already there is taken as it is: test files share one kube-apiserver per run, and a CRD
 * such as the VirtualApp's is given by several of them.
 */
export async function givenCustomResourceDefinition(
  admin: KubeConfig,
  crd: V1CustomResourceDefinition,
): Promise<void> {
  const api = admin.makeApiClient(ApiextensionsV1Api);
  const name = crd.metadata?.name ?? '';
  await api.createCustomResourceDefinition({ body: crd }).catch((error: { code?: number }) => {
    if (error.code !== 409) throw error;
  });
  await eventually(
    async () => {
      const current = await api.readCustomResourceDefinition({ name });
      const established = current.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status !== 'True') throw new Error(`Established is ${established?.status}`);
    },
    { what: `CustomResourceDefinition ${name} to be established` },
  );
}
