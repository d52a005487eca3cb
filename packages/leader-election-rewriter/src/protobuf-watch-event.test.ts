import { describe, expect, it } from 'vitest';
import { renameProtobufWatchEvent } from './protobuf-watch-event.js';
import { decodeMessage, encodeEnvelope, encodeMessage } from './test-support/protobuf-oracle.js';
import { recordedBody } from './test-support/recorded-locks.js';

const LOCK = 'cafeextcontroller';
const SUFFIXED = 'cafeextcontroller---ctrlmeshtest';
const back = { from: SUFFIXED, to: LOCK };

const event = (type: string, raw: Uint8Array): Uint8Array =>
  encodeMessage([
    [1, type],
    [2, [[1, raw]]],
  ]);

describe('protobuf watch events', () => {
  it('maps the object of a recorded MODIFIED event', () => {
    const mapped = renameProtobufWatchEvent(recordedBody('watchEventLeaseSuffixed').protobuf, back);
    expect([...mapped]).toEqual([
      ...event('MODIFIED', recordedBody('leaseCreateRequest').protobuf),
    ]);
  });

  it('maps an ERROR event carrying a Status', () => {
    const status = (name: string) =>
      encodeEnvelope(
        'v1',
        'Status',
        encodeMessage([
          [3, `leases "${name}" is forbidden`],
          [5, [[1, name]]],
        ]),
      );
    const mapped = renameProtobufWatchEvent(event('ERROR', status(SUFFIXED)), back);
    expect([...mapped]).toEqual([...event('ERROR', status(LOCK))]);
  });

  it('accepts an enveloped event', () => {
    const inner = event('ADDED', recordedBody('leaseSuffixed').protobuf);
    const mapped = renameProtobufWatchEvent(encodeEnvelope('v1', 'WatchEvent', inner), back);
    const expected = encodeEnvelope(
      'v1',
      'WatchEvent',
      event('ADDED', recordedBody('leaseCreateRequest').protobuf),
    );
    expect([...mapped]).toEqual([...expected]);
  });

  it('returns the same array for a BOOKMARK and for an unrelated object', () => {
    const bookmark = event(
      'BOOKMARK',
      encodeEnvelope('coordination.k8s.io/v1', 'Lease', new Uint8Array()),
    );
    const unrelated = event('ADDED', recordedBody('unrelatedConfigMap').protobuf);
    expect(renameProtobufWatchEvent(bookmark, back)).toBe(bookmark);
    expect(renameProtobufWatchEvent(unrelated, back)).toBe(unrelated);
    expect(decodeMessage(unrelated)).toHaveLength(2);
  });
});
