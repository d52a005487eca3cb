/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON logs, one object per line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where log lines go (stdout in the app; an array in tests). */
export type LogSink = (line: string) => void;

const errorText = (value: unknown): unknown => (value instanceof Error ? value.message : value);

/**
 * A logger writing `{time, level, msg, ...fields}` lines at `level` and above. Errors in fields
 * become their messages: an ApiException's body may be long, and no field ever holds a token.
 */
export const createLogger = (
  level: LogLevel,
  sink: LogSink,
  now: () => number = Date.now,
): Logger => {
  const write =
    (at: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[at] < LEVELS[level]) return;
      const safe = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, errorText(v)]));
      sink(JSON.stringify({ time: new Date(now()).toISOString(), level: at, msg, ...safe }));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
};

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger('error', () => undefined);
