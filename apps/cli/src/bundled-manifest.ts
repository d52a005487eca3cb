import { fileURLToPath } from 'node:url';
import type { CliIo } from './cli-io.js';

// The package ships manifests/install.yaml beside dist/ ("files" in package.json). This module
// sits one folder below the package root both as source (src/) and built (a chunk of dist/), so
// one relative URL finds the file from either.
const MANIFEST_URL = new URL('../manifests/install.yaml', import.meta.url);

/**
 * The manifest `ctrlmesh install` applies when given no file: deploy/base rendered by kustomize
 * (`npm run -w @ctrlmesh/e2e render-install`), read only by `install`.
 */
export const readBundledManifest = (io: Pick<CliIo, 'readFile'>): string =>
  io.readFile(fileURLToPath(MANIFEST_URL));
