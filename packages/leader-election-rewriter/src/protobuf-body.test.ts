import { describe, expect, it } from 'vitest';
import { renameProtobufRequestBody, renameProtobufResponse } from './protobuf-body.js';
import {
  type DecodedField,
  decodeEnvelope,
  encodeEnvelope,
  encodeMessage,
  hex,
  LIST_SCHEMA,
  OBJECT_SCHEMA,
  STATUS_SCHEMA,
  withPayload,
} from './test-support/protobuf-oracle.js';
import { recordedBody } from './test-support/recorded-locks.js';

const LOCK = 'cafeextcontroller';
const SUFFIXED = 'cafeextcontroller---ctrlmeshtest';
const toSubset = { from: LOCK, to: SUFFIXED };
const back = { from: SUFFIXED, to: LOCK };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('protobuf request bodies', () => {
  it('renames a Lease create into the exact bytes the apiserver encodes for the suffixed Lease', () => {
    const renamed = renameProtobufRequestBody(
      recordedBody('leaseCreateRequest').protobuf,
      toSubset,
    );
    expect([...renamed]).toEqual([...recordedBody('leaseSuffixed').protobuf]);
  });

  it('renames a ConfigMap lock into the exact bytes of the suffixed ConfigMap', () => {
    const renamed = renameProtobufRequestBody(
      recordedBody('configMapCreateRequest').protobuf,
      toSubset,
    );
    expect([...renamed]).toEqual([...recordedBody('configMapSuffixed').protobuf]);
  });

  it('returns the same array for an unrelated ConfigMap', () => {
    const body = recordedBody('unrelatedConfigMap').protobuf;
    expect(renameProtobufRequestBody(body, toSubset)).toBe(body);
  });

  it('renames only metadata.name, not the namespace that has the same value', () => {
    const renamed = renameProtobufRequestBody(
      recordedBody('leaseCreateRequest').protobuf,
      toSubset,
    );
    const [, [, raw]] = decodeEnvelope(renamed, OBJECT_SCHEMA) as [
      unknown,
      [number, DecodedField[]],
    ];
    const [[, metadata]] = raw as [[number, DecodedField[]]];
    const fields = new Map(metadata);
    expect(fields.get(1)).toBe(hex(utf8(SUFFIXED)));
    expect(fields.get(3)).toBe(hex(utf8(LOCK)));
  });

  it('re-encodes every length when the name pushes a length over a varint boundary', () => {
    // metadata grows from 121 to 130 bytes: its length needs a second varint byte.
    const name = 'x'.repeat(115);
    const body = (objectName: string) =>
      encodeEnvelope(
        'v1',
        'ConfigMap',
        encodeMessage([
          [
            1,
            [
              [1, objectName],
              [3, 'ns'],
            ],
          ],
          [2, new Uint8Array(20)],
        ]),
      );
    const renamed = renameProtobufRequestBody(body(name), { from: name, to: `${name}---canary` });
    expect([...renamed]).toEqual([...body(`${name}---canary`)]);
    expect(renamed.length).toBe(body(name).length + 9 + 1);
    expect(decodeEnvelope(renamed, OBJECT_SCHEMA)).toEqual(
      withPayload(decodeEnvelope(body(name), OBJECT_SCHEMA), [2, 1, 1], utf8(`${name}---canary`)),
    );
  });

  it('leaves bodies it cannot read untouched', () => {
    const encoded = encodeMessage([
      [1, [[2, 'ConfigMap']]],
      [2, encodeMessage([[1, [[1, LOCK]]]])],
      [3, 'gzip'],
    ]);
    const contentEncoded = Uint8Array.of(0x6b, 0x38, 0x73, 0x00, ...encoded);
    const noMagic = encodeMessage([[1, [[1, LOCK]]]]);
    const truncated = recordedBody('leaseCreateRequest').protobuf.subarray(0, 100);
    for (const body of [contentEncoded, noMagic, truncated]) {
      expect(renameProtobufRequestBody(body, toSubset)).toBe(body);
    }
  });
});

describe('protobuf responses', () => {
  it('maps a Lease back to the bytes of the configured Lease', () => {
    const mapped = renameProtobufResponse(recordedBody('leaseSuffixed').protobuf, back);
    expect([...mapped]).toEqual([...recordedBody('leaseCreateRequest').protobuf]);
  });

  it('maps every item of a LeaseList and nothing else', () => {
    const body = recordedBody('leaseListSuffixed').protobuf;
    const mapped = renameProtobufResponse(body, back);
    const expected = withPayload(decodeEnvelope(body, LIST_SCHEMA), [2, 2, 1, 1], utf8(LOCK));
    expect(decodeEnvelope(mapped, LIST_SCHEMA)).toEqual(expected);
  });

  it('maps a 404 Status in details.name and in the quoted name of the message', () => {
    const body = recordedBody('statusNotFoundSuffixed').protobuf;
    const mapped = renameProtobufResponse(body, back);
    const decoded = decodeEnvelope(body, STATUS_SCHEMA);
    const expected = withPayload(
      withPayload(decoded, [2, 5, 1], utf8(LOCK)),
      [2, 3],
      utf8(`leases.coordination.k8s.io "${LOCK}" not found`),
    );
    expect(decodeEnvelope(mapped, STATUS_SCHEMA)).toEqual(expected);
  });
});
