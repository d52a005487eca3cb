import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type MainProcess, runMain } from './run-main.js';

const fakeProcess = () => {
  const written: string[] = [];
  const proc = Object.assign(new EventEmitter(), {
    exitCode: undefined as MainProcess['exitCode'],
    stderr: { write: (text: string) => written.push(text) },
  });
  return { proc, written };
};

describe('runMain', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops main on %s and exits with its code',
    async (signal) => {
      const { proc, written } = fakeProcess();
      const running = runMain(
        'ctrlmesh-test',
        async (stop) => {
          await new Promise((resolve) => stop.addEventListener('abort', resolve));
          return 0;
        },
        proc,
      );
      proc.emit(signal);
      await running;
      expect([proc.exitCode, written]).toEqual([0, []]);
    },
  );

  it('exits with the code main returns, such as a usage error', async () => {
    const { proc } = fakeProcess();
    await runMain('ctrlmesh-test', async () => 2, proc);
    expect(proc.exitCode).toBe(2);
  });

  it('prints what main threw under the executable name and exits with 1', async () => {
    const { proc, written } = fakeProcess();
    await runMain(
      'ctrlmesh-test',
      async () => {
        throw new Error('--upstream is not a URL');
      },
      proc,
    );
    await runMain(
      'ctrlmesh-test',
      async () => {
        throw 'a string';
      },
      proc,
    );
    expect(written).toEqual([
      'ctrlmesh-test: --upstream is not a URL\n',
      'ctrlmesh-test: a string\n',
    ]);
    expect(proc.exitCode).toBe(1);
  });
});
