import { type LogRecord, logRecord, requestCode, requestEnd } from './channels.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** Where log lines go (stdout in the app; an array in tests). */
export type LogSink = (line: string) => void;

/**
 * Structured JSON logs, one object per line, from the log and request channels. Records carry no
 * tokens and no bodies: requests are logged by verb, resource, code and decision only (debug level).
 */
export const subscribeLog = (level: LogRecord['level'], sink: LogSink): (() => void) => {
  const min = LEVELS[level];
  const write = (record: LogRecord) => {
    if (LEVELS[record.level] >= min)
      sink(JSON.stringify({ time: new Date().toISOString(), ...record }));
  };
  const stops = [
    logRecord.subscribe(write),
    requestEnd.subscribe((m) => {
      // A cut answer is logged here, once, with its cause.
      const level = m.failure !== undefined ? 'error' : m.code >= 500 ? 'warn' : 'debug';
      // Every request ends here: below the level, not even the record is built.
      if (LEVELS[level] < min) return;
      write({
        level,
        msg: 'request',
        id: m.id,
        verb: m.verb,
        resource: m.resource,
        code: m.failure === undefined ? m.code : requestCode(m),
        decision: m.decision,
        ms: Math.round(m.durationMs * 10) / 10,
        ...(m.failure === undefined ? {} : { error: m.failure }),
      });
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
};
