import type { CliIo } from '../cli-io.js';
import type { ProgressLine } from './progress-line.js';
import type { Readiness } from './readiness.js';

/** How often the cluster is asked again while waiting. */
export const POLL_INTERVAL_MS = 1_000;

/** Something to wait for: an object as its check judges it now. */
export interface ReadinessCheck {
  /** `deployment ctrlmesh-system/ctrlmesh-manager`, for messages. */
  readonly label: string;
  read(): Promise<Readiness>;
}

/** One check's last judgement. */
export interface Judged {
  readonly label: string;
  readonly message: string;
}

/** How a wait ended. */
export type WaitOutcome =
  | { readonly state: 'ready'; readonly ready: readonly Judged[] }
  /** The deadline passed; `pending` are the checks still waiting, with their last message. */
  | {
      readonly state: 'timeout';
      readonly ready: readonly Judged[];
      readonly pending: readonly Judged[];
    }
  /** A check said waiting longer will not help. */
  | { readonly state: 'failed'; readonly ready: readonly Judged[]; readonly failed: Judged };

/**
 * Asks every check until all are ready, one fails, or `deadline` (on `io.now()`) passes, every
 * {@link POLL_INTERVAL_MS} (on `io.sleep`, which tests drive). While waiting, `progress` shows
 * the first check still waiting and how many more there are.
 */
export const waitUntilReady = async (
  io: Pick<CliIo, 'now' | 'sleep'>,
  checks: readonly ReadinessCheck[],
  deadline: number,
  progress: ProgressLine,
): Promise<WaitOutcome> => {
  const ready: Judged[] = [];
  let pending = [...checks];
  for (;;) {
    const waiting: { check: ReadinessCheck; message: string }[] = [];
    for (const check of pending) {
      const judged = await check.read();
      if (judged.state === 'ready') ready.push({ label: check.label, message: judged.message });
      else if (judged.state === 'failed') {
        return { state: 'failed', ready, failed: { label: check.label, message: judged.message } };
      } else waiting.push({ check, message: judged.message });
    }
    if (waiting.length === 0) return { state: 'ready', ready };
    const left = deadline - io.now();
    if (left <= 0) {
      return {
        state: 'timeout',
        ready,
        pending: waiting.map(({ check, message }) => ({ label: check.label, message })),
      };
    }
    const [first] = waiting;
    const more = waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : '';
    progress.show(`waiting for ${first?.check.label}: ${first?.message}${more}`);
    pending = waiting.map(({ check }) => check);
    await io.sleep(Math.min(POLL_INTERVAL_MS, left));
  }
};
