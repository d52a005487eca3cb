import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** How a process ended. */
export interface ExitStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** What to run, and where its output goes. */
export interface LoggedProcessOptions {
  /** The executable (`process.execPath` for a Node.js script, which then comes first in `args`). */
  file: string;
  args: readonly string[];
  /** Its whole environment; this process's own when left out. */
  env?: NodeJS.ProcessEnv;
  /** Appended to (a restart keeps the earlier lines); stdout and stderr both go there. */
  logFile: string;
  /**
   * `pipe` keeps stdin open for as long as this process lives: a lifeline for a child that stops
   * itself when it closes (kas's `--stop-on-stdin-close`). Default `ignore`.
   */
  stdin?: 'ignore' | 'pipe';
}

/** A started child process with its log. */
export interface LoggedProcess {
  readonly logFile: string;
  /** Its process id (-1 if it could not be spawned). */
  readonly pid: number;
  /** Resolves with how it ended, once it has. */
  readonly exited: Promise<ExitStatus>;
  /** Whether it has not exited yet. */
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves with how it exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL at once, as a crashed pod; resolves with how it exited. */
  kill(): Promise<ExitStatus>;
}

const exitOf = (child: ChildProcess): Promise<ExitStatus> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ exitCode: child.exitCode, signal: child.signalCode })
    : new Promise((resolve) =>
        child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
      );

/**
 * Spawns `file` with its stdout and stderr appended to `logFile`. One still running when this
 * process exits is killed, so that a failed test run leaves no process behind.
 */
export function startLoggedProcess(options: LoggedProcessOptions): LoggedProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.file, options.args, {
    env: options.env ?? process.env,
    stdio: [options.stdin ?? 'ignore', log, log],
  });
  closeSync(log);
  // A last resort when nobody called stop; 'exit' handlers must be synchronous.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = exitOf(child).finally(() => process.off('exit', killOnExit));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    logFile: options.logFile,
    pid: child.pid ?? -1,
    exited,
    running,
    async stop(graceMs = 10_000) {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
    async kill() {
      if (running()) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** The last `lines` lines of a log file, for error messages. */
export async function logTail(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A JSON log line; every logger here writes its message as `msg`. */
export interface JsonLogEntry {
  msg: string;
  [field: string]: unknown;
}

/**
 * Every JSON line of `file` that has a string `msg`; other lines (klog and zap may interleave
 * plain text, and a kill may cut the last line off) are skipped.
 */
export async function readJsonLog<Entry extends JsonLogEntry>(file: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Entry;
      if (typeof entry.msg === 'string') entries.push(entry);
    } catch {
      // a line cut off by a kill
    }
  }
  return entries;
}
