import type { V1Container, V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../test-support/apply-json-patch.js';
import { injectPod } from './inject-pod.js';
import { InjectionSettingsSchema } from './injection-settings.js';

const settings = InjectionSettingsSchema.parse({ proxyImage: 'proxy:1' });
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const arbName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const arbInjectLabel = fc.option(fc.constantFrom('enabled', 'disabled', ''), { nil: undefined });
const arbMountPath = fc.oneof(
  fc.constant(SA_DIR),
  fc.constant(`${SA_DIR}/ca.crt`),
  arbName.map((n) => `/data/${n}`),
);

// A pod as the apiserver hands it to the webhook: unique container and volume names, every mount
// naming a volume of the pod, maybe already carrying the env injection overrides.
const arbPod: fc.Arbitrary<V1Pod> = fc
  .record({
    labels: fc.dictionary(arbName, arbName, { maxKeys: 3 }),
    inject: arbInjectLabel,
    volumes: fc.uniqueArray(arbName, { minLength: 1, maxLength: 4 }),
    containers: fc.uniqueArray(arbName, { minLength: 1, maxLength: 3 }),
    inits: fc.uniqueArray(
      arbName.map((n) => `init-${n}`),
      { maxLength: 2 },
    ),
    mounts: fc.array(fc.tuple(fc.nat(), arbMountPath), { maxLength: 4 }),
    env: fc.array(fc.constantFrom('KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'OTHER'), {
      maxLength: 3,
    }),
    ports: fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { maxLength: 2 }),
    gated: fc.boolean(),
  })
  .map((r): V1Pod => {
    const containers: V1Container[] = r.containers.map((name, i) => ({
      name,
      image: `${name}:1`,
      args: [`--${name}`],
      env: r.env.map((e, j) => ({ name: e, value: `${i}-${j}` })),
      ports: r.ports.map((p) => ({ name: `c${i}p${p}`, containerPort: p })),
      // One mount per path and container, as the apiserver requires.
      volumeMounts: [...new Map(r.mounts.map(([v, path]) => [path, v])).entries()].map(
        ([mountPath, v]) => ({ name: r.volumes[v % r.volumes.length] as string, mountPath }),
      ),
    }));
    const labels = {
      ...r.labels,
      ...(r.inject === undefined ? {} : { 'ctrlmesh.io/inject': r.inject }),
    };
    return {
      metadata: { name: 'p', namespace: 'ns', labels },
      spec: {
        initContainers: r.inits.map((name) => ({ name, image: 'init:1' })),
        containers,
        volumes: r.volumes.map((name) => ({ name, emptyDir: {} })),
        ...(r.gated ? { readinessGates: [{ conditionType: 'ctrlmesh.io/RoutesApplied' }] } : {}),
      },
    };
  });

const arbNamespaceLabels = arbInjectLabel.map(
  (v): Record<string, string> => (v === undefined ? {} : { 'ctrlmesh.io/inject': v }),
);
const vapp = { name: 'app', spec: { selector: { matchLabels: { a: 'b' } } } };

const optedIn = (pod: V1Pod, ns: Record<string, string>) => {
  const own = pod.metadata?.labels?.['ctrlmesh.io/inject'];
  return own !== undefined ? own === 'enabled' : ns['ctrlmesh.io/inject'] === 'enabled';
};

describe('injectPod, on random pods', () => {
  it('never changes a pod that did not opt in', () => {
    fc.assert(
      fc.property(arbPod, arbNamespaceLabels, (pod, ns) => {
        fc.pre(!optedIn(pod, ns));
        const result = injectPod({ pod, namespaceLabels: ns, virtualApp: vapp, settings });
        expect(result).toEqual({ kind: 'unchanged', reason: 'not opted in', warnings: [] });
      }),
    );
  });

  it('gives an opted-in pod a valid meshed spec, and a second pass changes nothing', () => {
    fc.assert(
      fc.property(arbPod, (pod) => {
        const ns = { 'ctrlmesh.io/inject': 'enabled' };
        fc.pre(optedIn(pod, ns));
        const result = injectPod({ pod, namespaceLabels: ns, virtualApp: vapp, settings });
        if (result.kind !== 'injected') throw new Error(result.kind);
        const after = applyJsonPatch(pod, result.patch);
        const spec = after.spec as NonNullable<V1Pod['spec']>;
        // The proxy first, as a native sidecar; the pod's own init containers after it, in order.
        expect(spec.initContainers?.map((c) => c.name)).toEqual([
          'ctrlmesh-proxy',
          ...(pod.spec?.initContainers ?? []).map((c) => c.name),
        ]);
        expect(spec.initContainers?.[0]?.restartPolicy).toBe('Always');
        // Names stay unique, and every mount names a volume of the pod.
        const volumes = (spec.volumes ?? []).map((v) => v.name);
        expect(new Set(volumes).size).toBe(volumes.length);
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          for (const m of c.volumeMounts ?? []) expect(volumes).toContain(m.name);
          const paths = (c.volumeMounts ?? []).map((m) => m.mountPath);
          expect(new Set(paths).size).toBe(paths.length);
        }
        const portNames = [...(spec.initContainers ?? []), ...spec.containers]
          .flatMap((c) => c.ports ?? [])
          .flatMap((p) => (p.name === undefined ? [] : [p.name]));
        expect(new Set(portNames).size).toBe(portNames.length);
        // Every app container: in-cluster config at the proxy, the proxy's service-account folder.
        spec.containers.forEach((c, i) => {
          const before = pod.spec?.containers[i] as V1Container;
          expect({ name: c.name, image: c.image, args: c.args }).toEqual({
            name: before.name,
            image: before.image,
            args: before.args,
          });
          const host = (c.env ?? []).filter((e) => e.name === 'KUBERNETES_SERVICE_HOST');
          const port = (c.env ?? []).filter((e) => e.name === 'KUBERNETES_SERVICE_PORT');
          expect(host).toEqual([{ name: 'KUBERNETES_SERVICE_HOST', value: '127.0.0.1' }]);
          expect(port).toEqual([{ name: 'KUBERNETES_SERVICE_PORT', value: '5443' }]);
          const sa = (c.volumeMounts ?? []).filter((m) => m.mountPath.startsWith(SA_DIR));
          expect(sa).toEqual([
            { name: 'ctrlmesh-serviceaccount', mountPath: SA_DIR, readOnly: true },
          ]);
        });
        expect(
          spec.readinessGates?.filter((g) => g.conditionType === 'ctrlmesh.io/RoutesApplied'),
        ).toHaveLength(1);
        expect(injectPod({ pod: after, namespaceLabels: ns, virtualApp: vapp, settings })).toEqual({
          kind: 'unchanged',
          reason: 'already injected',
          warnings: [],
        });
      }),
    );
  });
});
