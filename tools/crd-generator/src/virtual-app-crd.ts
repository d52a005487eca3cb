import { virtualAppJsonSchema } from '@ctrlmesh/route-engine';
import { type JsonSchema, structuralSchema } from './structural-schema.js';

const GROUP = 'ctrlmesh.io';

// Lists whose items have a key the apiserver merges them by (server-side apply, strategic merge).
const listMap = (schema: JsonSchema, key: string): JsonSchema => ({
  ...schema,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
});

const withProperty = (
  schema: JsonSchema,
  name: string,
  edit: (property: JsonSchema) => JsonSchema,
) => {
  const properties = schema.properties as Record<string, JsonSchema>;
  return { ...schema, properties: { ...properties, [name]: edit(properties[name] as JsonSchema) } };
};

/**
 * The VirtualApp's schema as the CRD serves it. `apiVersion` and `kind` are the apiserver's to
 * check (the schema's enum would refuse nothing it accepts), `metadata` is the apiserver's own,
 * and conditions and subset status merge by their key.
 */
const virtualAppSchema = (): JsonSchema => {
  const schema = structuralSchema(virtualAppJsonSchema());
  const properties = schema.properties as Record<string, JsonSchema>;
  const status = withProperty(
    withProperty(properties.status as JsonSchema, 'conditions', (conditions) =>
      listMap(conditions, 'type'),
    ),
    'subsets',
    (subsets) => listMap(subsets, 'name'),
  );
  return {
    type: 'object',
    description: 'A VirtualApp: which pods of a controller own which slice of the cluster.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: properties.spec,
      status,
    },
  };
};

/** The VirtualApp CustomResourceDefinition (`virtualapps.ctrlmesh.io`, short name `vapp`). */
export const virtualAppCrd = () => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `virtualapps.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      plural: 'virtualapps',
      singular: 'virtualapp',
      kind: 'VirtualApp',
      listKind: 'VirtualAppList',
      shortNames: ['vapp'],
      categories: ['ctrlmesh'],
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Subsets', type: 'string', jsonPath: '.spec.subsets[*].name' },
          { name: 'Revision', type: 'string', jsonPath: '.status.routing.currentRevision' },
          { name: 'Phase', type: 'string', jsonPath: '.status.routing.phase' },
          {
            name: 'Available',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Available")].status',
          },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: virtualAppSchema() },
      },
    ],
  },
});
