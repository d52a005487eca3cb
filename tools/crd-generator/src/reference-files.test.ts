import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceFiles } from './reference-files.js';
import { referenceFields } from './reference-markdown.js';
import type { JsonSchema } from './structural-schema.js';
import { virtualAppCrd } from './virtual-app-crd.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the checked-in reference pages', () => {
  it.each(referenceFiles())(
    '$path is what the zod schema generates (else: npm run -w @ctrlmesh/crd-generator generate)',
    ({ path: file, text }) => {
      expect(readFileSync(path.join(root, file), 'utf8')).toBe(text);
    },
  );
});

describe('referenceFields', () => {
  const schema = virtualAppCrd().spec.versions[0]?.schema.openAPIV3Schema ?? {};
  const spec = (schema.properties as Record<string, JsonSchema>).spec as JsonSchema;
  const fields = referenceFields(spec, 'spec');
  const field = (path: string) => fields.find((f) => f.path === path);

  it('lists every field of the VirtualApp spec with a description', () => {
    expect(fields.map((f) => f.path)).toContain('spec.route.subRules[].match[].namespaceRegex');
    expect(fields.map((f) => f.path)).toContain('spec.route.globalLimits[].resources[].apiGroups');
    expect(fields.filter((f) => f.description === '').map((f) => f.path)).toEqual([]);
  });

  it('gives types, requiredness and constraints as the schema says', () => {
    expect(field('spec.subsets')).toMatchObject({ type: '[]object', required: false });
    expect(field('spec.subsets[].name')).toMatchObject({ type: 'string', required: true });
    expect(field('spec.subsets[].labels')).toMatchObject({ type: 'map[string]string' });
    expect(field('spec.configuration.webhook.port')).toMatchObject({ type: 'integer' });
    expect(field('spec.selector.matchExpressions[].operator')?.constraints).toEqual([
      'one of In, NotIn, Exists, DoesNotExist',
    ]);
  });

  it('reads defaults and bounds', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['limits'],
      properties: {
        limits: {
          type: 'array',
          items: {
            type: 'object',
            properties: { qps: { type: 'number', minimum: 0, maximum: 10, default: 5 } },
          },
        },
      },
    };
    expect(referenceFields(schema)).toEqual([
      { path: 'limits', type: '[]object', required: true, constraints: [], description: '' },
      {
        path: 'limits[].qps',
        type: 'number',
        required: false,
        default: 5,
        constraints: ['>= 0', '<= 10'],
        description: '',
      },
    ]);
  });
});
