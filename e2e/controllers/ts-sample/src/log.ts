/** A structured logger writing one JSON object per line, like the Go sample's zap logger. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Creates a {@link Logger} that writes lines through `write` (stderr in main). */
export function jsonLogger(
  write: (line: string) => void,
  base: Record<string, unknown>,
  now: () => number = Date.now,
): Logger {
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    const entry = { level, ts: new Date(now()).toISOString(), msg, ...base, ...fields };
    write(
      `${JSON.stringify(entry, (_key, value) => (value instanceof Error ? value.message : value))}\n`,
    );
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
