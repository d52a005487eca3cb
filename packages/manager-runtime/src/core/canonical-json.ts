/**
 * JSON with every object's keys sorted, so that two specs that differ only in key order (as
 * kubectl, client-go and a YAML file may write them) give the same text, hence the same revision.
 * `undefined` members are left out, as `JSON.stringify` does.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
};
