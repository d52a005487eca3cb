import { stringify } from 'yaml';
import { virtualAppCrd } from './virtual-app-crd.js';

const HEADER =
  '# Generated from the zod schema in packages/route-engine; do not edit.\n# Regenerate with: npm run -w @ctrlmesh/crd-generator generate\n';

/** Every generated CRD file: its path under the repository root, and its text. */
export const crdFiles = (): { readonly path: string; readonly text: string }[] => [
  {
    path: 'deploy/crds/ctrlmesh.io_virtualapps.yaml',
    text: HEADER + stringify(virtualAppCrd(), { lineWidth: 0 }),
  },
];
