import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { applyOrder, applyRank } from './apply-order.js';
import type { ManifestObject } from './manifest-object.js';

const kinds = [
  'CustomResourceDefinition',
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'RoleBinding',
  'Deployment',
  'Service',
  'VirtualApp',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const objects = fc
  .array(fc.constantFrom(...kinds), { maxLength: 30 })
  .map((list) =>
    list.map(
      (kind, i): ManifestObject => ({ apiVersion: 'v1', kind, metadata: { name: `o${i}` } }),
    ),
  );

describe('the apply order', () => {
  test.prop([objects])('applies every object once', (list) => {
    const ordered = applyOrder(list);
    expect(ordered.map((o) => o.metadata.name).sort()).toEqual(
      list.map((o) => o.metadata.name).sort(),
    );
  });

  test.prop([objects])(
    'puts CRDs first, namespaces next, webhook configurations last, and keeps the manifest order within a rank',
    (list) => {
      const ordered = applyOrder(list);
      const index = (o: ManifestObject) => Number(o.metadata.name.slice(1));
      ordered.slice(1).forEach((object, i) => {
        const previous = ordered[i] as ManifestObject;
        const [a, b] = [applyRank(previous.kind), applyRank(object.kind)];
        expect(a <= b).toBe(true);
        if (a === b) expect(index(previous)).toBeLessThan(index(object));
      });
      expect(applyRank('CustomResourceDefinition')).toBeLessThan(applyRank('Namespace'));
      expect(applyRank('Namespace')).toBeLessThan(applyRank('ServiceAccount'));
      expect(applyRank('VirtualApp')).toBeLessThan(applyRank('ValidatingWebhookConfiguration'));
    },
  );
});
