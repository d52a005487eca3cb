import { describe, expect, it } from 'vitest';
import { structuralProblem, structuralSchema } from './structural-schema.js';

describe('structuralSchema', () => {
  it('drops what a CRD refuses and keeps what it takes', () => {
    const schema = structuralSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['n'],
      properties: {
        n: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        kind: { type: 'string', const: 'X' },
        labels: {
          type: 'object',
          propertyNames: { type: 'string' },
          additionalProperties: { type: 'string' },
        },
        list: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, properties: {} },
        },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      required: ['n'],
      properties: {
        n: { type: 'integer', format: 'int64' },
        port: { type: 'integer', minimum: 1, maximum: 65535, format: 'int64' },
        kind: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        list: { type: 'array', items: { type: 'object', properties: {} } },
      },
    });
    expect(structuralProblem(schema)).toBeUndefined();
  });

  it('names the first node that is not structural', () => {
    expect(structuralProblem({ type: 'object', properties: { a: { anyOf: [] } } })).toBe(
      '.a: no type',
    );
    expect(structuralProblem({ type: 'array', items: { type: 'object', oneOf: [] } })).toBe(
      '[]: oneOf is not allowed',
    );
  });
});
