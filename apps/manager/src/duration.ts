const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration as Go's `time.ParseDuration` writes the common ones (`30s`, `1m30s`, `500ms`,
 * `1.5s`); undefined for anything else, including a bare number.
 */
export const parseDuration = (text: string): number | undefined => {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNITS[unit!]!;
  }
  return Math.round(total);
};
