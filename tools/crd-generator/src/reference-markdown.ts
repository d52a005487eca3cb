import type { JsonSchema } from './structural-schema.js';

/** One field of a schema, flattened: where it is and what it takes. */
export interface ReferenceField {
  /** `spec.route.subRules[].match[]`: `[]` for the items of a list, `{}` for a map's values. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly constraints: readonly string[];
  readonly description: string;
}

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A map is an object without properties whose values follow `additionalProperties`.
const mapValues = (schema: JsonSchema): JsonSchema | undefined =>
  schema.type === 'object' && !isSchema(schema.properties) && isSchema(schema.additionalProperties)
    ? schema.additionalProperties
    : undefined;

const typeOf = (schema: JsonSchema): string => {
  if (schema.type === 'array' && isSchema(schema.items)) return `[]${typeOf(schema.items)}`;
  const values = mapValues(schema);
  if (values !== undefined) return `map[string]${typeOf(values)}`;
  return typeof schema.type === 'string' ? schema.type : 'any';
};

const constraintsOf = (schema: JsonSchema): string[] => {
  const constraints: string[] = [];
  if (Array.isArray(schema.enum)) constraints.push(`one of ${schema.enum.join(', ')}`);
  if (typeof schema.minimum === 'number') constraints.push(`>= ${schema.minimum}`);
  if (typeof schema.maximum === 'number') constraints.push(`<= ${schema.maximum}`);
  if (typeof schema.exclusiveMinimum === 'number') constraints.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.exclusiveMaximum === 'number') constraints.push(`< ${schema.exclusiveMaximum}`);
  if (typeof schema.minItems === 'number') constraints.push(`at least ${schema.minItems} items`);
  if (typeof schema.pattern === 'string') constraints.push(`matches \`${schema.pattern}\``);
  const listType = schema['x-kubernetes-list-type'];
  const keys = schema['x-kubernetes-list-map-keys'];
  if (listType === 'map' && Array.isArray(keys)) constraints.push(`merged by ${keys.join(', ')}`);
  return constraints;
};

// Where the fields of a list's items or a map's values live, and the suffix their paths take.
const childrenOf = (schema: JsonSchema): { schema: JsonSchema; suffix: string } | undefined => {
  if (schema.type === 'array' && isSchema(schema.items))
    return { schema: schema.items, suffix: '[]' };
  const values = mapValues(schema);
  return values === undefined ? undefined : { schema: values, suffix: '{}' };
};

/**
 * Every field below `schema`, depth first in the schema's order, each with its path, type,
 * whether it is required, its default, its constraints and its description. Lists and maps of
 * objects continue with the fields of their items (`path[].field`, `path{}.field`).
 */
export const referenceFields = (schema: JsonSchema, prefix = ''): ReferenceField[] => {
  const fields: ReferenceField[] = [];
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const [name, value] of Object.entries(properties)) {
    if (!isSchema(value)) continue;
    const path = prefix === '' ? name : `${prefix}.${name}`;
    fields.push({
      path,
      type: typeOf(value),
      required: required.includes(name),
      ...(value.default === undefined ? {} : { default: value.default }),
      constraints: constraintsOf(value),
      description: typeof value.description === 'string' ? value.description : '',
    });
    let inner: JsonSchema = value;
    let innerPath = path;
    for (let child = childrenOf(inner); child !== undefined; child = childrenOf(inner)) {
      inner = child.schema;
      innerPath += child.suffix;
    }
    if (isSchema(inner.properties)) fields.push(...referenceFields(inner, innerPath));
  }
  return fields;
};

// Table cells are one line; a pipe would end the cell and `<name>` would read as an HTML tag.
const cell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');

const fieldRow = (field: ReferenceField): string =>
  `| \`${field.path}\` | ${cell(field.type)} | ${field.required ? 'yes' : ''} | ${
    field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``
  } | ${cell(field.constraints.join('; '))} | ${cell(field.description)} |`;

/** What a reference page says besides its tables. */
export interface ReferencePage {
  readonly title: string;
  /** Paragraphs (Markdown) between the title and the tables. */
  readonly introduction: string;
  /** The CRD's `openAPIV3Schema`. */
  readonly schema: JsonSchema;
}

const HEADER = (regenerate: string) =>
  `<!-- Generated from the zod schemas in packages/route-engine and packages/traffic-policy; do not edit.\n     Regenerate with: ${regenerate} -->\n`;

/**
 * A reference page: the introduction, then a table of the `spec` fields and one of the `status`
 * fields. Paths are relative to the object (`spec.subsets[].name`); `[]` stands for any item of a
 * list, `{}` for any value of a map.
 */
export const referenceMarkdown = (page: ReferencePage, regenerate: string): string => {
  const properties = (page.schema.properties ?? {}) as Record<string, JsonSchema>;
  const section = (name: 'spec' | 'status', title: string): string[] => {
    const schema = properties[name];
    if (schema === undefined) return [];
    const top: ReferenceField = {
      path: name,
      type: typeOf(schema),
      required: Array.isArray(page.schema.required) && page.schema.required.includes(name),
      constraints: [],
      description: typeof schema.description === 'string' ? schema.description : '',
    };
    return [
      `## ${title}`,
      '',
      '| field | type | required | default | constraints | description |',
      '| --- | --- | --- | --- | --- | --- |',
      ...[top, ...referenceFields(schema, name)].map(fieldRow),
      '',
    ];
  };
  return [
    HEADER(regenerate),
    `# ${page.title}`,
    '',
    page.introduction.trim(),
    '',
    '"required" is within the enclosing object: a required field of an optional object is needed',
    'only when that object is given. `[]` stands for any item of a list and `{}` for any value of a',
    'map, so `spec.subsets[].name` is the `name` of each subset.',
    '',
    ...section('spec', 'spec'),
    ...section('status', 'status (written by the manager)'),
  ].join('\n');
};
