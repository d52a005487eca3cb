import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import { ManualClock } from '@ctrlmesh/runtime-support/testing';

// Code takes a Clock (systemClock in production) and waits on it, so that a shutdown ends a wait.
const retry = async (attempt: () => boolean, clock: Clock = systemClock, signal?: AbortSignal) => {
  for (let wait = 100; !attempt(); wait = Math.min(wait * 2, 1_000)) {
    if (signal?.aborted) return 'stopped';
    await clock.sleep(wait, signal);
  }
  return `done at ${clock.now()} ms`;
};

// A test hands in a ManualClock and moves time on itself: no real waiting, no flaky timing.
const clock = new ManualClock();
let attempts = 0;
const retrying = retry(() => ++attempts === 4, clock);
await clock.advance(0);
console.log(JSON.stringify(clock.waiting)); // the first wait has begun
await clock.advance(100 + 200 + 400);
console.log(await retrying, attempts);

// Output:
// [100]
// done at 700 ms 4
