import { faultInjectionJsonSchema, trafficPolicyJsonSchema } from '@ctrlmesh/traffic-policy';
import { type JsonSchema, structuralSchema } from './structural-schema.js';

const GROUP = 'ctrlmesh.io';

const listMap = (schema: JsonSchema, key: string): JsonSchema => ({
  ...schema,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [key],
});

const listSet = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  'x-kubernetes-list-type': 'set',
});

// Status lists are written by the manager per rule and merged by name; conditions by type; lists
// of names (laggingPods) are sets.
const statusSchema = (status: JsonSchema): JsonSchema => {
  const properties = status.properties as Record<string, JsonSchema>;
  return {
    ...status,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        property.type !== 'array'
          ? property
          : (property.items as JsonSchema | undefined)?.type === 'string'
            ? listSet(property)
            : listMap(property, name === 'conditions' ? 'type' : 'name'),
      ]),
    ),
  };
};

// `apiVersion` and `kind` are the apiserver's to check, `metadata` is its own.
const policySchema = (jsonSchema: JsonSchema, description: string): JsonSchema => {
  const schema = structuralSchema(jsonSchema);
  const properties = schema.properties as Record<string, JsonSchema>;
  return {
    type: 'object',
    description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: properties.spec,
      status: statusSchema(properties.status as JsonSchema),
    },
  };
};

const crd = (
  kind: string,
  plural: string,
  schema: JsonSchema,
  printerColumns: readonly Record<string, string>[],
) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      plural,
      singular: kind.toLowerCase(),
      kind,
      listKind: `${kind}List`,
      categories: ['ctrlmesh'],
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Targets', type: 'string', jsonPath: '.spec.targetVirtualApps[*].name' },
          ...printerColumns,
          // What the manager aggregates from the pods' reports (decision 0006).
          { name: 'Pods', type: 'integer', jsonPath: '.status.podsReporting' },
          {
            name: 'Applied',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Applied")].status',
          },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: schema },
      },
    ],
  },
});

/** The TrafficPolicy CustomResourceDefinition (`trafficpolicies.ctrlmesh.io`). */
export const trafficPolicyCrd = () =>
  crd(
    'TrafficPolicy',
    'trafficpolicies',
    policySchema(
      trafficPolicyJsonSchema(),
      'A TrafficPolicy: rate limits and circuit breakers for the requests of VirtualApps.',
    ),
    [
      { name: 'Limits', type: 'string', jsonPath: '.spec.rateLimits[*].name' },
      { name: 'Breakers', type: 'string', jsonPath: '.spec.circuitBreakers[*].name' },
      { name: 'Open', type: 'string', jsonPath: '.status.circuitBreakers[*].openPods' },
    ],
  );

/** The FaultInjection CustomResourceDefinition (`faultinjections.ctrlmesh.io`). */
export const faultInjectionCrd = () =>
  crd(
    'FaultInjection',
    'faultinjections',
    policySchema(
      faultInjectionJsonSchema(),
      'A FaultInjection: delays, errors and cut watches for the requests of VirtualApps.',
    ),
    [{ name: 'Faults', type: 'string', jsonPath: '.spec.faults[*].name' }],
  );
