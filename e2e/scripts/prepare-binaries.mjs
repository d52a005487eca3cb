// `npm run e2e:prepare`: builds the Go binaries of the e2e suite (go-binaries.mjs) whose inputs
// changed since the last build. Go's module and build caches make rebuilds incremental.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBinaries } from './go-binaries.mjs';
import { buildGoBinary, localGoVersion } from './go-build.mjs';

const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const go = localGoVersion();
if (!go.ok) {
  console.error(`e2e: ${go.problem}`);
  process.exit(1);
}
for (const binary of goBinaries) {
  const result = await buildGoBinary(binary, e2eDir, go.version);
  if (!result.ok) {
    console.error(`e2e: ${result.problem}`);
    process.exit(1);
  }
}
