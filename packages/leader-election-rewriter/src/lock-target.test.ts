import type { ApiVerb, ResourceRequest } from '@ctrlmesh/route-engine';
import { describe, expect, it } from 'vitest';
import { lockTarget } from './lock-target.js';

const lock = { name: 'lock', namespace: 'ns' };
const request = (fields: Partial<ResourceRequest> & { verb: ApiVerb }): ResourceRequest => ({
  kind: 'resource',
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespace: 'ns',
  query: '',
  ...fields,
});

describe('lockTarget', () => {
  it.each(['get', 'update', 'patch', 'delete', 'watch'] as const)(
    'finds the lock in the name segment of a %s',
    (verb) => {
      expect(lockTarget(request({ verb, name: 'lock' }), lock)).toBe('name-segment');
    },
  );

  it('recognises Leases, ConfigMaps and Endpoints (legacy and multilock objects)', () => {
    const kinds = [
      { group: 'coordination.k8s.io', resource: 'leases' },
      { group: '', resource: 'configmaps' },
      { group: '', resource: 'endpoints' },
    ];
    for (const kind of kinds) {
      expect(lockTarget(request({ verb: 'get', name: 'lock', ...kind }), lock)).toBe(
        'name-segment',
      );
    }
  });

  it('looks in the body of a create and in the field selector of list, watch, deletecollection', () => {
    expect(lockTarget(request({ verb: 'create' }), lock)).toBe('body');
    for (const verb of ['list', 'watch', 'deletecollection'] as const) {
      expect(lockTarget(request({ verb }), lock)).toBe('field-selector');
    }
  });

  it.each([
    ['another name', request({ verb: 'get', name: 'lock2' })],
    ['an already suffixed name', request({ verb: 'get', name: 'lock---s' })],
    ['another namespace', request({ verb: 'get', name: 'lock', namespace: 'other' })],
    ['a subresource', request({ verb: 'get', name: 'lock', subresource: 'status' })],
    ['another resource', request({ verb: 'get', name: 'lock', resource: 'secrets' })],
    ['another version', request({ verb: 'get', name: 'lock', version: 'v1beta1' })],
    ['another group', request({ verb: 'get', name: 'lock', group: 'apps' })],
    ['a proxy call', request({ verb: 'proxy' })],
  ])('ignores %s', (_, req) => {
    expect(lockTarget(req, lock)).toBeUndefined();
  });

  it('ignores non-resource and invalid requests', () => {
    expect(lockTarget({ kind: 'nonResource', path: '/version', query: '' }, lock)).toBeUndefined();
    expect(lockTarget({ kind: 'invalid', path: '/x', reason: 'bad' }, lock)).toBeUndefined();
  });

  it('accepts any namespace when none is configured', () => {
    expect(
      lockTarget(request({ verb: 'get', name: 'lock', namespace: 'x' }), { name: 'lock' }),
    ).toBe('name-segment');
  });
});
