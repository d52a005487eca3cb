import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crdFiles } from './crd-files.js';
import { referenceFiles } from './reference-files.js';

// Writes deploy/crds/ and docs/reference/ at the repository root; crd-files.test.ts and
// reference-files.test.ts fail when they are stale.
const root = path.resolve(import.meta.dirname, '../../..');
for (const file of [...crdFiles(), ...referenceFiles()]) {
  mkdirSync(path.dirname(path.join(root, file.path)), { recursive: true });
  writeFileSync(path.join(root, file.path), file.text);
  console.log(`wrote ${file.path}`);
}
