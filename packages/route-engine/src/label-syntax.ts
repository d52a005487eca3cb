// Kubernetes' rules for label keys and values (apimachinery validation.IsQualifiedName and
// IsValidLabelValue). These fixed patterns are linear for JavaScript's engine.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why `key` is not a valid label key (optional DNS-subdomain prefix and `/`, then a name of at
 * most 63 characters), or `undefined` when it is.
 */
export const labelKeyProblem = (key: string): string | undefined => {
  const parts = key.split('/');
  if (parts.length > 2) return `invalid label key "${key}": at most one "/" is allowed`;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefixProblem = dnsSubdomainProblem(parts[0]!);
    if (prefixProblem !== undefined) return `invalid label key "${key}": prefix ${prefixProblem}`;
  }
  if (name.length === 0) return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) {
    return `invalid label key "${key}": name part must be no more than 63 characters`;
  }
  if (!NAME.test(name)) {
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
};

/** Why `value` is not a valid label value (empty, or a name of at most 63 characters). */
export const labelValueProblem = (value: string): string | undefined => {
  if (value.length === 0) return undefined;
  if (value.length > 63)
    return `invalid label value "${value}": must be no more than 63 characters`;
  if (!NAME.test(value)) {
    return `invalid label value "${value}": must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
};

/** Why `value` is not a DNS-1123 subdomain (lowercase, dots, at most 253 characters). */
export const dnsSubdomainProblem = (value: string): string | undefined => {
  if (value.length === 0) return 'must be non-empty';
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS_SUBDOMAIN.test(value)) {
    return `"${value}" must be a lowercase RFC 1123 subdomain (e.g. 'example.com')`;
  }
  return undefined;
};

/** Why `value` is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
export const dnsLabelProblem = (value: string): string | undefined => {
  if (value.length === 0) return 'must be non-empty';
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS_LABEL.test(value)) {
    return `"${value}" must be a lowercase RFC 1123 label (e.g. 'my-name' or '123-abc')`;
  }
  return undefined;
};
