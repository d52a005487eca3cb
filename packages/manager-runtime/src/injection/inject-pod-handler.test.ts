import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../test-support/apply-json-patch.js';
import { createInjectPodHandler, type InjectionLister } from './inject-pod-handler.js';
import { InjectionSettingsSchema } from './injection-settings.js';

const settings = InjectionSettingsSchema.parse({ proxyImage: 'proxy:1' });
const sample = { name: 'sample', spec: { selector: { matchLabels: { app: 'sample' } } } };

const lister = (over: Partial<InjectionLister> = {}): InjectionLister => ({
  virtualApps: (ns) => (ns === 'operators' ? [sample] : []),
  namespaceLabels: (ns): Record<string, string> =>
    ns === 'meshed' ? { 'ctrlmesh.io/inject': 'enabled' } : {},
  ...over,
});

const pod = (labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'sample-', labels },
  spec: { containers: [{ name: 'controller', image: 'sample:1' }] },
});

const review = (object: unknown, over: Record<string, unknown> = {}) => ({
  uid: 'u-1',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  namespace: 'operators',
  operation: 'CREATE',
  object,
  ...over,
});

const OPTED_IN = { app: 'sample', 'ctrlmesh.io/inject': 'enabled' };

describe('the /inject-pod handler', () => {
  it('answers an opted-in pod with the patch that injects its VirtualApp proxy', async () => {
    const handle = createInjectPodHandler({ lister: lister(), settings });
    const decision = await handle(review(pod(OPTED_IN)));
    expect(decision.allowed).toBe(true);
    const after = applyJsonPatch(pod(OPTED_IN), decision.patch ?? []) as unknown as {
      spec: { initContainers: { name: string; args: string[] }[] };
    };
    expect(after.spec.initContainers[0]?.name).toBe('ctrlmesh-proxy');
    expect(after.spec.initContainers[0]?.args).toContain('--virtualapp-name=sample');
  });

  it('allows a pod that did not opt in unchanged, without reading VirtualApps', async () => {
    let listed = 0;
    const handle = createInjectPodHandler({
      lister: lister({
        virtualApps: () => {
          listed++;
          return [sample];
        },
      }),
      settings,
    });
    expect(await handle(review(pod({ app: 'sample' })))).toEqual({ allowed: true });
    expect(listed).toBe(0);
  });

  it('injects a pod of an opted-in namespace', async () => {
    const handle = createInjectPodHandler({
      lister: lister({ virtualApps: () => [sample] }),
      settings,
    });
    const decision = await handle(review(pod({ app: 'sample' }), { namespace: 'meshed' }));
    expect(decision.patch?.length).toBeGreaterThan(0);
  });

  it('allows an opted-in pod no VirtualApp selects, with a warning', async () => {
    const handle = createInjectPodHandler({ lister: lister(), settings });
    expect(await handle(review(pod({ app: 'other', 'ctrlmesh.io/inject': 'enabled' })))).toEqual({
      allowed: true,
      warnings: [
        'ctrlmesh: no VirtualApp in namespace operators selects this pod; it runs without the proxy',
      ],
    });
  });

  it('refuses an opted-in pod when the lister fails, rather than let it run unconfined', async () => {
    const handle = createInjectPodHandler({
      lister: lister({
        virtualApps: () => Promise.reject(new Error('cache not synced')),
      }),
      settings,
    });
    expect(await handle(review(pod(OPTED_IN)))).toEqual({
      allowed: false,
      status: {
        code: 503,
        reason: 'ServiceUnavailable',
        message:
          'ctrlmesh: the proxy cannot be injected now (cache not synced); the pod is refused rather than run without it',
      },
    });
  });

  it('denies an opted-in pod whose resources annotation is invalid', async () => {
    const handle = createInjectPodHandler({ lister: lister(), settings });
    const bad = {
      ...pod(OPTED_IN),
      metadata: { labels: OPTED_IN, annotations: { 'ctrlmesh.io/proxy-resources': '{' } },
    };
    const decision = await handle(review(bad));
    expect(decision.allowed).toBe(false);
    expect(decision.status?.code).toBe(400);
    expect(decision.status?.message).toContain(
      'annotation ctrlmesh.io/proxy-resources is not JSON',
    );
  });

  it('allows anything that is not a pod CREATE unchanged', async () => {
    const outcomes: string[] = [];
    const handle = createInjectPodHandler({
      lister: lister(),
      settings,
      onResult: (outcome) => outcomes.push(outcome),
    });
    expect(await handle(review(pod(OPTED_IN), { operation: 'UPDATE' }))).toEqual({ allowed: true });
    expect(await handle(review(pod(OPTED_IN), { subResource: 'status' }))).toEqual({
      allowed: true,
    });
    expect(
      await handle(review({}, { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } })),
    ).toEqual({ allowed: true });
    expect(outcomes).toEqual(['ignored', 'ignored', 'ignored']);
  });

  it('gives a pod already injected no patch', async () => {
    const handle = createInjectPodHandler({ lister: lister(), settings });
    const first = await handle(review(pod(OPTED_IN)));
    const injected = applyJsonPatch(pod(OPTED_IN), first.patch ?? []);
    expect(await handle(review(injected))).toEqual({ allowed: true });
  });
});
