/** A JSON Schema node, as zod's `toJSONSchema` writes it. */
export type JsonSchema = { readonly [key: string]: unknown };

// JSON Schema keywords a CRD's structural schema does not take (the apiserver refuses them), and
// the bounds zod writes for every integer (±2^53), which say nothing.
const DROPPED_KEYWORDS = new Set(['$schema', 'propertyNames', 'const']);
const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns a JSON Schema into a structural OpenAPI v3 schema, as a CustomResourceDefinition needs
 * it: every node keeps its `type`; `additionalProperties: false` goes (a structural schema prunes
 * unknown fields by itself); keywords OpenAPI v3 lacks and meaningless integer bounds go. What
 * the schema cannot say (regexes in RE2, sub-rule references) is left to validation.
 */
export const structuralSchema = (schema: JsonSchema): JsonSchema => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) >= SAFE_INTEGER_BOUND)
      continue;
    if (key === 'properties' && isSchema(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [
          name,
          structuralSchema(property as JsonSchema),
        ]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isSchema(value)) {
      out[key] = structuralSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.type === 'integer' && out.format === undefined) out.format = 'int64';
  return out;
};

/**
 * The first place where `schema` is not structural: a node without a `type`, or a keyword the
 * apiserver refuses in a CRD. Undefined when it is structural.
 */
export const structuralProblem = (schema: JsonSchema, path = ''): string | undefined => {
  if (typeof schema.type !== 'string' && schema['x-kubernetes-preserve-unknown-fields'] !== true)
    return `${path || '.'}: no type`;
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', ...DROPPED_KEYWORDS]) {
    if (keyword in schema) return `${path || '.'}: ${keyword} is not allowed`;
  }
  if (schema.additionalProperties === false) return `${path}: additionalProperties: false`;
  if (isSchema(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const problem = structuralProblem(property as JsonSchema, `${path}.${name}`);
      if (problem !== undefined) return problem;
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = schema[key];
    if (isSchema(child)) {
      const problem = structuralProblem(child, `${path}${key === 'items' ? '[]' : '{}'}`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
};
