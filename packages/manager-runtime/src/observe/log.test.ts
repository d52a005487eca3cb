import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

describe('createLogger', () => {
  it('writes one JSON object per line at the level and above, errors as their messages', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      (line) => lines.push(line),
      () => 0,
    );
    log.debug('hidden');
    log.info('published', { vapp: 'ns/web' });
    log.error('write failed', { err: new Error('boom') });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'published', vapp: 'ns/web' },
      { time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'write failed', err: 'boom' },
    ]);
  });
});
