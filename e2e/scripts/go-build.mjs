// Builds one Go binary when the hash of its inputs differs from the one stored beside it.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Environment of every go command: never download a toolchain, static binaries. */
export const goEnv = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };

/** Returns the local Go version (e.g. "1.26.8") or an error message saying what is wrong. */
export function localGoVersion() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { env: goEnv, encoding: 'utf8' });
  if (result.error) {
    return {
      ok: false,
      problem: `cannot run "go" (${result.error.code ?? result.error.message}); install Go 1.26+ and put it on PATH`,
    };
  }
  const match = result.stdout.trim().match(/^go(\d+\.\d+(?:\.\d+)?)/);
  if (result.status !== 0 || !match) {
    return {
      ok: false,
      problem: `"go env GOVERSION" failed: ${result.stderr.trim() || result.stdout.trim()}`,
    };
  }
  return { ok: true, version: match[1] };
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The `go` directive of a module: the oldest toolchain that may build it. */
function requiredGo(moduleDir) {
  const gomod = readFileSync(path.join(moduleDir, 'go.mod'), 'utf8');
  return gomod.match(/^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m)?.[1] ?? '1.0';
}

/** The module's go.mod, go.sum and *.go files, skipping bin/ and testdata/. */
function inputFiles(moduleDir) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['bin', 'testdata', 'vendor', 'node_modules'].includes(entry.name)) walk(full);
      } else if (entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) {
        files.push(full);
      }
    }
  };
  walk(moduleDir);
  for (const name of ['go.mod', 'go.sum']) {
    const full = path.join(moduleDir, name);
    if (existsSync(full)) files.push(full);
  }
  return files.sort();
}

function buildArgs(binary, moduleDir) {
  const ldflags = ['-s', '-w', ...(binary.ldflags?.(moduleDir) ?? [])].join(' ');
  const args = ['build'];
  if (binary.tags?.length) args.push('-tags', binary.tags.join(','));
  args.push('-ldflags', ldflags);
  return args;
}

function inputsHash(moduleDir, args, goVersion) {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      args,
      goVersion,
      cgo: goEnv.CGO_ENABLED,
      goos: process.platform,
      goarch: process.arch,
    }),
  );
  for (const file of inputFiles(moduleDir)) {
    hash.update(`\0${path.relative(moduleDir, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: 'inherit' });
    child.on('error', (error) => resolve({ code: 1, error }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
}

/**
 * Builds `binary` (from go-binaries.mjs) under `e2eDir` unless its stamp file matches the inputs.
 * Returns `{ ok: true, built }` or `{ ok: false, problem }`.
 */
export async function buildGoBinary(binary, e2eDir, goVersion) {
  const moduleDir = path.join(e2eDir, binary.dir);
  const output = path.join(moduleDir, binary.output);
  const stampFile = `${output}.build.json`;
  const needGo = requiredGo(moduleDir);
  if (compareVersions(goVersion, needGo) < 0) {
    return {
      ok: false,
      problem: `${binary.name} needs Go >= ${needGo} (${binary.dir}/go.mod), found go${goVersion}; GOTOOLCHAIN=local forbids downloading another`,
    };
  }
  const args = buildArgs(binary, moduleDir);
  const hash = inputsHash(moduleDir, args, goVersion);
  if (existsSync(output) && existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (stamp.hash === hash) {
      console.log(`e2e: ${binary.name} is up to date (${path.relative(e2eDir, output)})`);
      return { ok: true, built: false };
    }
  }
  const first = existsSync(output)
    ? ''
    : ` (first build: ${binary.coldBuild ?? 'a minute or two'})`;
  console.log(`e2e: building ${binary.name}${first}: go ${args.join(' ')}`);
  const started = Date.now();
  // Build beside the target and rename, so a failed or concurrent build never leaves half a binary.
  const partial = `${output}.partial-${process.pid}`;
  const result = await run('go', [...args, '-o', partial, '.'], { cwd: moduleDir, env: goEnv });
  if (result.code !== 0) {
    rmSync(partial, { force: true });
    return {
      ok: false,
      problem: `go build of ${binary.name} in ${binary.dir} failed (exit ${result.code}${result.signal ? `, ${result.signal}` : ''})`,
    };
  }
  renameSync(partial, output);
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    stampFile,
    `${JSON.stringify({ hash, goVersion, args, seconds, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`e2e: built ${binary.name} in ${seconds.toFixed(1)} s`);
  return { ok: true, built: true };
}
