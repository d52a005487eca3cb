import { describe, expect, it } from 'vitest';
import { renameJsonObject, renameJsonResponse, renameJsonWatchEvent } from './json-body.js';
import { recordedBody } from './test-support/recorded-locks.js';

const LOCK = 'cafeextcontroller';
const SUFFIXED = 'cafeextcontroller---ctrlmeshtest';
const toSubset = { from: LOCK, to: SUFFIXED };
const back = { from: SUFFIXED, to: LOCK };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array): string => new TextDecoder().decode(body);

describe('JSON request bodies', () => {
  it('renames a Lease create exactly as the apiserver would have encoded the suffixed Lease', () => {
    const renamed = renameJsonObject(recordedBody('leaseCreateRequest').json, toSubset);
    expect(text(renamed)).toBe(text(recordedBody('leaseSuffixed').json));
  });

  it('renames a ConfigMap lock and leaves its leader annotation alone', () => {
    const renamed = renameJsonObject(recordedBody('configMapCreateRequest').json, toSubset);
    expect(text(renamed)).toBe(text(recordedBody('configMapSuffixed').json));
  });

  it('returns the same array for an unrelated object', () => {
    const body = recordedBody('unrelatedConfigMap').json;
    expect(renameJsonObject(body, toSubset)).toBe(body);
  });

  it('keeps key order, integer-like keys, number spellings and whitespace', () => {
    const body = bytes(
      '{ "metadata" : { "labels":{"b":"1","0":"z"}, "name" : "cafeextcontroller" }, "n": 1.50e2, "big": 12345678901234567890 }\n',
    );
    expect(text(renameJsonObject(body, toSubset))).toBe(
      '{ "metadata" : { "labels":{"b":"1","0":"z"}, "name" : "cafeextcontroller---ctrlmeshtest" }, "n": 1.50e2, "big": 12345678901234567890 }\n',
    );
  });

  it('renames every duplicate name, since Go keeps the last one', () => {
    const body = bytes('{"metadata":{"name":"other","name":"cafeextcontroller"}}');
    expect(text(renameJsonObject(body, toSubset))).toBe(
      '{"metadata":{"name":"other","name":"cafeextcontroller---ctrlmeshtest"}}',
    );
  });

  it('matches an escaped spelling of the name', () => {
    const body = bytes('{"metadata":{"name":"cafe\\u0065xtcontroller"}}');
    expect(text(renameJsonObject(body, toSubset))).toBe(
      '{"metadata":{"name":"cafeextcontroller---ctrlmeshtest"}}',
    );
  });

  it.each([
    '{"metadata":{"name":"cafeextcontroller"}',
    'metadata: {name: cafeextcontroller}',
    '[{"metadata":{"name":"cafeextcontroller"}}]',
    '{"spec":{"metadata":{"name":"cafeextcontroller"}}}',
  ])('leaves %j untouched (same array)', (input) => {
    const body = bytes(input);
    expect(renameJsonObject(body, toSubset)).toBe(body);
  });
});

describe('JSON responses', () => {
  it('maps a Lease back to the configured name', () => {
    const mapped = renameJsonResponse(recordedBody('leaseSuffixed').json, back);
    expect(text(mapped)).toBe(text(recordedBody('leaseCreateRequest').json));
  });

  it('maps every item of a list', () => {
    const mapped = JSON.parse(
      text(renameJsonResponse(recordedBody('leaseListSuffixed').json, back)),
    );
    expect(mapped.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual([
      LOCK,
    ]);
  });

  it('maps a 404 Status in details.name and in the quoted name of the message', () => {
    const mapped = JSON.parse(
      text(renameJsonResponse(recordedBody('statusNotFoundSuffixed').json, back)),
    );
    expect(mapped.details.name).toBe(LOCK);
    expect(mapped.message).toBe('leases.coordination.k8s.io "cafeextcontroller" not found');
  });

  it('leaves a message that only mentions a longer name alone', () => {
    const body = bytes(
      '{"kind":"Status","message":"configmaps \\"cafeextcontroller---ctrlmeshtest-x\\" not found"}',
    );
    expect(renameJsonResponse(body, back)).toBe(body);
  });

  it('maps the object of a watch event and keeps the line ending', () => {
    const event = recordedBody('watchEventLeaseSuffixed').json;
    const mapped = text(renameJsonWatchEvent(event, back));
    expect(mapped.endsWith('\n')).toBe(true);
    expect(JSON.parse(mapped).object.metadata.name).toBe(LOCK);
    expect(mapped.replace(`"name":"${LOCK}"`, `"name":"${SUFFIXED}"`)).toBe(text(event));
  });

  it('maps an ERROR watch event that carries a Status', () => {
    const event = bytes(
      `{"type":"ERROR","object":{"kind":"Status","message":"leases \\"${SUFFIXED}\\" is forbidden","details":{"name":"${SUFFIXED}"}}}\n`,
    );
    expect(text(renameJsonWatchEvent(event, back))).toBe(
      `{"type":"ERROR","object":{"kind":"Status","message":"leases \\"${LOCK}\\" is forbidden","details":{"name":"${LOCK}"}}}\n`,
    );
  });
});
