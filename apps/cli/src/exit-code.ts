/**
 * The exit statuses of every command, stable across releases (README, Exit codes): scripts and
 * CI gates may rely on them.
 */
export const EXIT = {
  /** Everything checked out: valid files, no owner changes, every case passed. */
  ok: 0,
  /** The command did its job and found something: problems, owner changes, failed cases. */
  findings: 1,
  /** The command line is wrong: unknown command or flag, bad flag value, malformed target. */
  usage: 2,
  /** An input cannot be used: a file cannot be read or parsed, or is not what the flag wants. */
  input: 3,
  /**
   * The cluster gave no answer: it cannot be reached, refuses the credentials, does not allow
   * the request, or has no object of the name asked for.
   */
  cluster: 4,
  /** A bug in ctrlmesh itself (the stack trace is printed): sysexits' EX_SOFTWARE. */
  internal: 70,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
