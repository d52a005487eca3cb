/**
 * JSON with every object's keys sorted, so that two specs that differ only in key order (as
 * kubectl, client-go and a YAML file may write them) give the same text: the manager's revision
 * names and the proxy's route versions are digests of it. `undefined` members are left out, as
 * `JSON.stringify` does; a key named `__proto__` is kept as a key.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // No prototype: assigning `__proto__` must make a key, not change the prototype.
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
};
