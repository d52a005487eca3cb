import { setFlagsFromString } from 'node:v8';

/**
 * V8 heap settings the proxy chooses for itself, as `node` flags. By default V8 sizes its heap for
 * throughput: under a burst of requests the young generation grows to 32 MiB and the old generation
 * to several times what is live, so a sidecar whose live heap is ~20 MiB reached 130-170 MiB of RSS
 * (docs/evaluation.md). Both settings below are read by V8 at each collection, so setting them from
 * the running process works (`--max-semi-space-size` does not: V8 reads it once, before any code
 * runs), and no wrapper process or flag the user must remember is needed (`NODE_OPTIONS` refuses
 * both). Neither caps the heap: a large list or event still gets the memory it needs, the heap just
 * grows in smaller steps.
 */
export const HEAP_DEFAULTS = [
  // Keep the young generation at its initial size (1 MiB semi-spaces): requests are short-lived,
  // so a larger nursery buys little and costs its size in RSS (~5 us of CPU per GET).
  '--semi-space-growth-factor=1',
  // Let the old generation double between full collections rather than grow by V8's up-to-4x. 50
  // (half) saved only ~5 MiB more, but collected so often that a LIST of 5,000 objects took 1.2-1.3x
  // of direct instead of 0.9-1.0x (paired runs of the benchmark).
  '--heap-growing-percent=100',
] as const;

// A flag the user already chose on the command line wins over our default.
const flagName = (flag: string): string =>
  flag.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');

/**
 * Applies {@link HEAP_DEFAULTS} except those named in `userFlags` (`process.execArgv`); returns the
 * flags it set.
 */
export const applyHeapDefaults = (
  userFlags: readonly string[],
  setFlags: (flags: string) => void = setFlagsFromString,
): string[] => {
  const chosen = new Set(userFlags.map(flagName));
  const applied = HEAP_DEFAULTS.filter((flag) => !chosen.has(flagName(flag)));
  for (const flag of applied) setFlags(flag);
  return applied;
};
