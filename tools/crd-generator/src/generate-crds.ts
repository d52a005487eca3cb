import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crdFiles } from './crd-files.js';

// Writes deploy/crds/ at the repository root; crd-files.test.ts fails when they are stale.
const root = path.resolve(import.meta.dirname, '../../..');
for (const file of crdFiles()) {
  writeFileSync(path.join(root, file.path), file.text);
  console.log(`wrote ${file.path}`);
}
