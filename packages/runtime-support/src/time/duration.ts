const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration in the syntax Go's `time.ParseDuration` writes and Kubernetes tools
 * take on their command lines (kubectl's `--timeout`, a controller's `--lease-duration`): one or
 * more numbers, each with a unit of ms, s, m or h (`500ms`, `90s`, `1h30m`, `1.5m`), or `0`.
 * Undefined for anything else: a bare number, a sign, a space, another unit. Whether 0 is allowed
 * is the caller's to say.
 */
export const parseDuration = (text: string): number | undefined => {
  if (text === '0') return 0;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount = '', unit = ''] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
  }
  return Math.round(total);
};
