// Kinds whose resource is not the regular plural of the kind.
const IRREGULAR: Readonly<Record<string, string>> = { endpoints: 'endpoints' };

/**
 * The resource of a kind, guessed as kubectl guesses it without discovery: the lower-case kind in
 * the plural (`Deployment` -> `deployments`, `Ingress` -> `ingresses`, `NetworkPolicy` ->
 * `networkpolicies`). World files carry kinds, route rules speak of resources.
 */
export const kindToResource = (kind: string): string => {
  const lower = kind.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular !== undefined) return irregular;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
};
