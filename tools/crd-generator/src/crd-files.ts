import { stringify } from 'yaml';
import { faultInjectionCrd, trafficPolicyCrd } from './policy-crds.js';
import { virtualAppCrd } from './virtual-app-crd.js';

const HEADER =
  '# Generated from the zod schemas in packages/route-engine and packages/traffic-policy; do not edit.\n# Regenerate with: npm run -w @ctrlmesh/crd-generator generate\n';

/** Every generated CRD file: its path under the repository root, and its text. */
export const crdFiles = (): { readonly path: string; readonly text: string }[] => [
  {
    path: 'deploy/crds/ctrlmesh.io_virtualapps.yaml',
    text: HEADER + stringify(virtualAppCrd(), { lineWidth: 0 }),
  },
  {
    path: 'deploy/crds/ctrlmesh.io_trafficpolicies.yaml',
    text: HEADER + stringify(trafficPolicyCrd(), { lineWidth: 0 }),
  },
  {
    path: 'deploy/crds/ctrlmesh.io_faultinjections.yaml',
    text: HEADER + stringify(faultInjectionCrd(), { lineWidth: 0 }),
  },
];
