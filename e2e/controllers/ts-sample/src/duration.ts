const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * Parses the part of Go's duration syntax the sample controllers accept (`500ms`, `4s`, `1m30s`),
 * so both controllers read the same environment. Returns milliseconds, or undefined when `text`
 * is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return text.length > 0 ? total : undefined;
}
