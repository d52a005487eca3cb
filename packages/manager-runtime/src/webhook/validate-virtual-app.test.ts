import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from './admission-review.js';
import { validateVirtualApp } from './validate-virtual-app.js';

const valid = {
  selector: { matchLabels: { app: 'web' } },
  route: { subRules: [{ name: 'canary', match: [{ namespaceRegex: '^canary-' }] }] },
  subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] }],
};
const invalid = {
  selector: {},
  route: { subRules: [{ name: 'canary', match: [{ namespaceRegex: '(' }] }] },
  subsets: [
    { name: 'v2', labels: { version: 'v2' }, routeRules: ['canary'] },
    { name: 'v3', labels: { version: 'v3' }, routeRules: ['beta'] },
  ],
};

const object = (spec: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'ctrlmesh.io/v1alpha1',
  kind: 'VirtualApp',
  metadata: { name: 'web', namespace: 'operators', uid: 'u', managedFields: [{}] },
  spec,
  ...extra,
});

const request = (
  operation: AdmissionRequest['operation'],
  spec: unknown,
  more: Partial<AdmissionRequest> = {},
): AdmissionRequest => ({
  uid: 'uid-1',
  kind: { group: 'ctrlmesh.io', version: 'v1alpha1', kind: 'VirtualApp' },
  resource: { group: 'ctrlmesh.io', version: 'v1alpha1', resource: 'virtualapps' },
  name: 'web',
  namespace: 'operators',
  operation,
  object: object(spec),
  ...more,
});

describe('validateVirtualApp', () => {
  it('allows a valid VirtualApp on create and update', async () => {
    expect(await validateVirtualApp(request('CREATE', valid))).toEqual({ allowed: true });
    expect(
      await validateVirtualApp(request('UPDATE', valid, { oldObject: object(invalid) })),
    ).toEqual({ allowed: true });
  });

  it('denies an invalid spec with every problem and its path', async () => {
    const decision = await validateVirtualApp(request('CREATE', invalid));
    expect(decision.allowed).toBe(false);
    expect(decision.status?.code).toBe(422);
    expect(decision.status?.reason).toBe('Invalid');
    const message = decision.status?.message ?? '';
    expect(message).toMatch(/^VirtualApp "web" is invalid: /);
    expect(message).toContain('spec.selector: selector must not be empty');
    expect(message).toContain('spec.route.subRules[0].match[0].namespaceRegex: ');
    expect(message).toContain('spec.subsets[1].routeRules[0]: unknown sub-rule "beta"');
  });

  it('denies an update that makes the spec invalid', async () => {
    const decision = await validateVirtualApp(
      request('UPDATE', invalid, { oldObject: object(valid) }),
    );
    expect(decision.allowed).toBe(false);
  });

  it('leaves alone what is not its business: status, deletes, and updates that keep the spec', async () => {
    expect(
      await validateVirtualApp(
        request('UPDATE', invalid, { subResource: 'status', oldObject: object(invalid) }),
      ),
    ).toEqual({ allowed: true });
    expect(await validateVirtualApp(request('DELETE', invalid))).toEqual({ allowed: true });
    const relabelled = request('UPDATE', invalid, { oldObject: object(invalid) });
    expect(await validateVirtualApp(relabelled)).toEqual({ allowed: true });
  });

  it('ignores the status and server-set metadata of the object', async () => {
    const withStatus = request('CREATE', valid, {
      object: object(valid, { status: { routing: { phase: 'Nonsense' } } }),
    });
    expect(await validateVirtualApp(withStatus)).toEqual({ allowed: true });
  });

  it('accepts the original apiVersion too, as the offline tools do', async () => {
    const original = request('CREATE', valid, {
      object: { ...object(valid), apiVersion: 'ctrlmesh.kruise.io/v1alpha1' },
    });
    expect(await validateVirtualApp(original)).toEqual({ allowed: true });
  });
});
