import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Clock ticks per second of /proc's CPU times (100 on Linux almost everywhere; asked, not assumed).
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (user + system) `pid` has used so far, in ms, from /proc/<pid>/stat (Linux). */
export const cpuMs = (pid: number): number => {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
};
