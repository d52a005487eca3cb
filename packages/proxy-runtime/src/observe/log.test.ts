import { describe, expect, it } from 'vitest';
import { logRecord, requestEnd } from './channels.js';
import { subscribeLog } from './log.js';

describe('subscribeLog', () => {
  it('writes JSON lines at or above its level, requests at debug without bodies or tokens', () => {
    const lines: string[] = [];
    const stop = subscribeLog('info', (line) => lines.push(line));
    try {
      logRecord.publish({ level: 'debug', msg: 'hidden' });
      logRecord.publish({ level: 'info', msg: 'routes applied', version: 'v1' });
      requestEnd.publish({
        id: 'a',
        verb: 'get',
        resource: 'pods',
        code: 200,
        decision: 'owned',
        durationMs: 2,
      });
      requestEnd.publish({
        id: 'b',
        verb: 'list',
        resource: 'pods',
        code: 503,
        decision: 'no-routes',
        durationMs: 2,
      });
    } finally {
      stop();
    }
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.msg)).toEqual(['routes applied', 'request']);
    expect(records[1]).toMatchObject({ level: 'warn', verb: 'list', code: 503 });
    expect(Object.keys(records[1])).not.toContain('authorization');
  });
});
