import { eventually } from './eventually.js';
import { type JsonLogEntry, logTail } from './logged-process.js';

/** A replica whose log says when it starts and stops leading. */
export interface LoggingReplica {
  /** Its name in error messages (the pod name, the manager's identity). */
  readonly name: string;
  readonly logFile: string;
  /** Whether it still runs and its last leadership message is the one that starts leading. */
  claimsLeadership(): Promise<boolean>;
}

/**
 * Whether `entries` (a log in order) end their leadership messages with `started`: `stopped` or
 * none at all means the replica does not claim to lead.
 */
export const lastSaysLeading = (
  entries: readonly JsonLogEntry[],
  messages: { started: string; stopped: string },
): boolean =>
  entries.filter((entry) => entry.msg === messages.started || entry.msg === messages.stopped).at(-1)
    ?.msg === messages.started;

/**
 * Waits until exactly one of `replicas` claims leadership (by its log) and returns it. Fails with
 * the last `tailLines` lines of every replica's log when none, or more than one, does within
 * `timeoutMs`.
 */
export async function eventuallyOneLeaderByLog<Replica extends LoggingReplica>(
  replicas: readonly Replica[],
  { timeoutMs = 30_000, tailLines = 30 }: { timeoutMs?: number; tailLines?: number } = {},
): Promise<Replica> {
  try {
    return await eventually(
      async () => {
        const claims = await Promise.all(replicas.map((replica) => replica.claimsLeadership()));
        const leaders = replicas.filter((_, index) => claims[index]);
        if (leaders.length !== 1) {
          throw new Error(`leaders by log: [${leaders.map((leader) => leader.name).join(', ')}]`);
        }
        return leaders[0]!;
      },
      { what: `exactly one of ${replicas.map((r) => r.name).join(', ')} to lead`, timeoutMs },
    );
  } catch (error) {
    const tails = await Promise.all(
      replicas.map(async (r) => `--- ${r.logFile}\n${await logTail(r.logFile, tailLines)}`),
    );
    throw new Error(`${(error as Error).message}\n${tails.join('\n')}`);
  }
}
