const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration as kubectl's `--timeout` takes it (Go's syntax): one or more
 * numbers with a unit of ms, s, m or h (`90s`, `5m`, `1h30m`, `1.5m`), or `0`. Returns undefined
 * for anything else.
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
