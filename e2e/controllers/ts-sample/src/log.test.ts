import { describe, expect, it } from 'vitest';
import { jsonLogger } from './log.js';

describe('jsonLogger', () => {
  it('writes one JSON object per line with level, time, message and fields', () => {
    const lines: string[] = [];
    const log = jsonLogger(
      (line) => lines.push(line),
      { pod: 'p-0' },
      () => 0,
    );
    log.info('became leader', { lease: 'ns/lock' });
    log.error('patch failed', { err: new Error('boom') });
    expect(lines).toEqual([
      '{"level":"info","ts":"1970-01-01T00:00:00.000Z","msg":"became leader","pod":"p-0","lease":"ns/lock"}\n',
      '{"level":"error","ts":"1970-01-01T00:00:00.000Z","msg":"patch failed","pod":"p-0","err":"boom"}\n',
    ]);
  });
});
