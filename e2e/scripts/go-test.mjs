// `npm run test:go`: runs `go test` in every Go module of the repository that has tests, counts
// passed and failed tests from go's JSON events, and prints one summary line. When
// CTRLMESH_TEST_REPORT_DIR is set (as .ci/run does), the counts are also written to go-test.json
// there, so CI can add them to vitest's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBinaries } from './go-binaries.mjs';
import { goEnv, localGoVersion } from './go-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The module of every Go binary, tested with the binary's build tags: the test build then reuses
 * the packages the binary's build compiled (for kas, all of kube-apiserver) instead of compiling
 * them again without the tags.
 */
const modules = goBinaries.map((binary) => ({ dir: `e2e/${binary.dir}`, tags: binary.tags ?? [] }));

const go = localGoVersion();
if (!go.ok) {
  console.error(`go test: ${go.problem}`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
for (const { dir, tags } of modules) {
  const tagArgs = tags.length > 0 ? [`-tags=${tags.join(',')}`] : [];
  const run = spawnSync('go', ['test', '-json', '-count=1', ...tagArgs, './...'], {
    cwd: path.join(root, dir),
    env: goEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let modulePassed = 0;
  let moduleFailed = 0;
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line);
    if (event.Action === 'output' && /FAIL|panic|cannot|error/.test(event.Output ?? '')) {
      process.stdout.write(`${dir}: ${event.Output}`);
    }
    if (!event.Test) continue;
    if (event.Action === 'pass') modulePassed++;
    if (event.Action === 'fail') moduleFailed++;
  }
  // A build failure produces no test events: count it as a failure so it cannot pass silently.
  if (run.status !== 0 && moduleFailed === 0) {
    moduleFailed = 1;
    process.stdout.write(run.stderr);
  }
  console.log(`go test ${dir}: ${modulePassed} passed, ${moduleFailed} failed`);
  passed += modulePassed;
  failed += moduleFailed;
}

const reportDir = process.env.CTRLMESH_TEST_REPORT_DIR;
if (reportDir) {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(path.join(reportDir, 'go-test.json'), JSON.stringify({ passed, failed }));
}
process.exit(failed === 0 ? 0 : 1);
