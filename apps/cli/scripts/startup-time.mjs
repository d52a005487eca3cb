// Times the start-up of an offline command: runs the built CLI N times on a small VirtualApp and
// prints the median (p50) and p90 wall time, next to a bare `node -e ""` timed in the same
// rounds (interleaved, so that load from other processes hits both alike). hyperfine is not
// available everywhere; this is enough to hold the README's "under 300 ms" to account.
//
//   node scripts/startup-time.mjs [runs=30] [file=src/fixtures/canary-v1.yaml]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 30);
const file =
  process.argv[3] ?? fileURLToPath(new URL('../src/fixtures/canary-v1.yaml', import.meta.url));
const binary = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const time = (args, env = process.env) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', env });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

const series = { ctrlmesh: [], 'ctrlmesh, no compile cache': [], 'node -e ""': [] };
const noCache = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
// The first rounds warm the file and compile caches; they are not counted.
for (let i = 0; i < runs + 3; i += 1) {
  const round = {
    ctrlmesh: time([binary, 'validate', file]),
    'ctrlmesh, no compile cache': time([binary, 'validate', file], noCache),
    'node -e ""': time(['-e', '']),
  };
  if (i >= 3) for (const [name, ms] of Object.entries(round)) series[name].push(ms);
}
const at = (times, q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`validate ${file}, ${runs} rounds, node ${process.version}`);
for (const [name, times] of Object.entries(series)) {
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} p50 ${at(times, 0.5).toFixed(0)} ms  p90 ${at(times, 0.9).toFixed(0)} ms  min ${times[0].toFixed(0)} ms`,
  );
}
