import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';
import { lastSaysLeading } from './log-leadership.js';
import { logTail, readJsonLog, startLoggedProcess } from './logged-process.js';

// A child that logs a JSON line, a plain one and a cut-off one, then waits; on SIGTERM it logs
// once more and exits 0 (as a controller draining), unless told to ignore SIGTERM.
const script = (ignoreTerm: boolean) => `
process.on('SIGTERM', () => {
  ${ignoreTerm ? '' : "console.log(JSON.stringify({ msg: 'stopped leading' })); process.exit(0);"}
});
console.log(JSON.stringify({ msg: 'started leading', n: 1 }));
console.error('plain text from klog');
process.stdout.write('{"msg": "cut off');
process.stdout.write('\\n');
setInterval(() => undefined, 1000);
`;

describe('A logged child process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ctrlmesh-e2e-logged-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = (ignoreTerm = false) =>
    startLoggedProcess({
      file: process.execPath,
      args: ['-e', script(ignoreTerm)],
      logFile: path.join(dir, 'child.log'),
    });
  const logged = (child: { logFile: string }, times = 1) =>
    eventually(
      async () =>
        expect((await readFile(child.logFile, 'utf8')).match(/cut off/g)).toHaveLength(times),
      { what: 'the child to log' },
    );

  it('writes stdout and stderr to its log, and stops with SIGTERM', async () => {
    const child = start();
    await logged(child);
    expect(child.running()).toBe(true);
    const entries = await readJsonLog(child.logFile);
    expect(entries).toEqual([{ msg: 'started leading', n: 1 }]);
    expect(await readFile(child.logFile, 'utf8')).toContain('plain text from klog');
    expect(await child.stop()).toEqual({ exitCode: 0, signal: null });
    expect(child.running()).toBe(false);
    const messages = { started: 'started leading', stopped: 'stopped leading' };
    expect(lastSaysLeading(await readJsonLog(child.logFile), messages)).toBe(false);
    expect(lastSaysLeading(entries, messages)).toBe(true);
  });

  it('is killed when it outlasts the grace of a stop, and a second stop answers the same', async () => {
    const child = start(true);
    await logged(child);
    expect(await child.stop(200)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await child.stop()).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await child.kill()).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('appends to the log of an earlier run of the same file', async () => {
    const first = start();
    await logged(first);
    await first.kill();
    const second = start();
    await logged(second, 2);
    expect(await logTail(second.logFile, 1)).toBe('{"msg": "cut off');
    await second.kill();
  });
});
