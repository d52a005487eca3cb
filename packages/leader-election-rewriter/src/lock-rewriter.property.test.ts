import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createLockRewriter } from './lock-rewriter.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  encodeMessage,
  hex,
  OBJECT_SCHEMA,
  withPayload,
} from './test-support/protobuf-oracle.js';

const dnsName = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?$/);
const subsetName = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const RESOURCES = [
  '/api/v1/namespaces/{ns}/configmaps',
  '/api/v1/namespaces/{ns}/endpoints',
  '/apis/coordination.k8s.io/v1/namespaces/{ns}/leases',
];

/** A lock, a subset, and names built to trip a naive rewriter: equal, prefixes, suffixed. */
const world = fc
  .record({ lock: dnsName, subset: subsetName, other: dnsName, otherSubset: subsetName })
  .chain(({ lock, subset, other, otherSubset }) => {
    const tricky = [
      lock,
      other,
      `${lock}x`,
      `${lock}---${subset}`,
      `${lock}---${otherSubset}`,
      `${lock}.${lock}`,
      ...(lock.length > 1 ? [lock.slice(0, -1)] : []),
    ];
    return fc.record({
      lock: fc.constant(lock),
      subset: fc.constant(subset),
      namespace: fc.constantFrom(...tricky),
      name: fc.constantFrom(...tricky),
      resource: fc.constantFrom(...RESOURCES),
      method: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE'),
      query: fc.constantFrom('', '?timeout=10s', '?dryRun=All&fieldManager=x'),
    });
  });

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('lock rewriting properties', () => {
  test.prop([world])('only the name segment changes, and only for the lock', (w) => {
    const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
    const collection = w.resource.replace('{ns}', w.namespace);
    const url = `${collection}/${w.name}${w.query}`;
    const result = rewriter.rewriteRequest({ method: w.method, url });
    const expected =
      w.name === w.lock && !w.lock.endsWith(`---${w.subset}`)
        ? `${collection}/${w.lock}---${w.subset}${w.query}`
        : url;
    expect(result.url).toBe(expected);
    expect(result.rewritten).toBe(expected !== url);
  });

  test.prop([world, fc.boolean()])(
    'a configured namespace limits rewriting to that namespace',
    (w, sameNamespace) => {
      const configured = sameNamespace ? w.namespace : `${w.namespace}-elsewhere`;
      const rewriter = createLockRewriter({
        lockName: w.lock,
        subset: w.subset,
        namespace: configured,
      });
      const url = `${w.resource.replace('{ns}', w.namespace)}/${w.lock}`;
      const result = rewriter.rewriteRequest({ method: 'GET', url });
      expect(result.rewritten).toBe(sameNamespace && !w.lock.endsWith(`---${w.subset}`));
    },
  );

  test.prop([
    world,
    fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 }),
    fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 }),
    fc.constantFrom('metadata.name%3D', 'metadata.name=', 'metadata.name%3D%3D'),
  ])(
    'a field selector gets the suffix and the rest of the query keeps its bytes',
    (w, before, after, term) => {
      fc.pre(!w.lock.endsWith(`---${w.subset}`));
      const encode = (params: [string, string][]) =>
        params.map(([k, v]) => `${encodeURIComponent(`x${k}`)}=${encodeURIComponent(v)}&`).join('');
      const head = `${w.resource.replace('{ns}', w.namespace)}?${encode(before)}fieldSelector=${term}`;
      const tail = `&${encode(after)}watch=true`;
      const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
      const result = rewriter.rewriteRequest({ method: 'GET', url: `${head}${w.name}${tail}` });
      const name = w.name === w.lock ? `${w.lock}---${w.subset}` : w.name;
      expect(result.url).toBe(`${head}${name}${tail}`);
    },
  );

  test.prop([
    world,
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }),
  ])(
    'JSON create then response round-trips, and only metadata.name differs',
    (w, extra, labels) => {
      fc.pre(!w.lock.endsWith(`---${w.subset}`));
      const { metadata: _m, ...top } = extra;
      const document = { ...top, metadata: { labels, name: w.lock, namespace: w.namespace } };
      const body = utf8(JSON.stringify(document));
      const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
      const url = w.resource.replace('{ns}', w.namespace);
      const result = rewriter.rewriteRequest({
        method: 'POST',
        url,
        contentType: 'application/json',
        body,
      });
      if (!result.rewritten) throw new Error('a create of the lock must be rewritten');
      // Compare parsed documents: JSON itself has no -0, so the original is read back too.
      const parse = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));
      const original = parse(body);
      expect(parse(result.body)).toEqual({
        ...original,
        metadata: { ...original.metadata, name: `${w.lock}---${w.subset}` },
      });
      expect([...result.response.mapBody('application/json', result.body!)]).toEqual([...body]);
    },
  );

  test.prop([
    world,
    fc.array(fc.tuple(fc.integer({ min: 4, max: 30 }), fc.string({ maxLength: 300 })), {
      maxLength: 4,
    }),
    // Sizes around the 2- and 3-byte varint boundaries of the enclosing lengths (128, 16384).
    fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 16_250, max: 16_400 })),
  ])(
    'protobuf create decodes to the same object apart from the name, and maps back byte for byte',
    (w, metaFields, annotationSize) => {
      fc.pre(!w.lock.endsWith(`---${w.subset}`));
      const meta = encodeMessage([
        [1, w.lock],
        [3, w.namespace],
        ...metaFields.map(([n, v]) => [n, v] as const),
        [
          12,
          [
            [1, 'control-plane.alpha.kubernetes.io/leader'],
            [2, 'h'.repeat(annotationSize)],
          ],
        ],
      ]);
      const object = encodeMessage([
        [1, meta],
        [2, [[1, 'holder']]],
      ]);
      const body = encodeEnvelope('coordination.k8s.io/v1', 'Lease', object);
      const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
      const url = w.resource.replace('{ns}', w.namespace);
      const contentType = 'application/vnd.kubernetes.protobuf';
      const result = rewriter.rewriteRequest({ method: 'POST', url, contentType, body });
      if (!result.rewritten) throw new Error('a create of the lock must be rewritten');
      const expected = withPayload(
        decodeEnvelope(body, OBJECT_SCHEMA),
        [2, 1, 1],
        utf8(`${w.lock}---${w.subset}`),
      );
      expect(decodeEnvelope(result.body!, OBJECT_SCHEMA)).toEqual(expected);
      expect(hex(result.response.mapBody(contentType, result.body!))).toBe(hex(body));
    },
  );

  test.prop([
    world,
    fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom('application/json', 'application/vnd.kubernetes.protobuf'),
  ])(
    'arbitrary bytes never crash it; unrelated bodies come back as the same array',
    (w, body, contentType) => {
      const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
      const url = w.resource.replace('{ns}', w.namespace);
      const result = rewriter.rewriteRequest({ method: 'POST', url, contentType, body });
      if (!result.rewritten) expect(result.body).toBe(body);
      const created = rewriter.rewriteRequest({
        method: 'POST',
        url,
        contentType: 'application/json',
        body: utf8(JSON.stringify({ metadata: { name: w.lock } })),
      });
      if (created.rewritten) {
        const mapped = created.response.mapBody(contentType, body);
        const event = created.response.mapWatchEvent(contentType, body);
        expect(
          mapped === body || mapped.length !== body.length || mapped.some((b, i) => b !== body[i]),
        ).toBe(true);
        expect(event).toBeInstanceOf(Uint8Array);
      }
    },
  );

  test.prop([
    world,
    fc.uint8Array({ maxLength: 200 }),
    fc.constantFrom(
      '/api/v1/namespaces/n/pods',
      '/apis/apps/v1/namespaces/n/deployments/x',
      '/api/v1/namespaces/n/secrets',
    ),
  ])('requests for other resources pass through byte for byte', (w, body, collection) => {
    const rewriter = createLockRewriter({ lockName: w.lock, subset: w.subset });
    for (const method of ['POST', 'PUT', 'PATCH', 'GET']) {
      const url = `${collection}?fieldSelector=metadata.name%3D${w.lock}`;
      const result = rewriter.rewriteRequest({
        method,
        url,
        contentType: 'application/json',
        body,
      });
      expect(result).toEqual({ rewritten: false, url, body });
      expect(result.body).toBe(body);
    }
  });
});
