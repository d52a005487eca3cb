import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ClusterError } from '../cluster-error.js';
import { type CapturedIo, capturedIo, run, runOnCluster } from '../testing/captured-io.js';
import { apiResources, type FakeCluster, fakeCluster } from '../testing/fake-cluster.js';

const CRD = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const DEPLOYMENT = '/apis/apps/v1/namespaces/ctrlmesh-system/deployments/ctrlmesh-manager';
const MUTATING = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/ctrlmesh';
const VALIDATING = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ctrlmesh';

/** Discovery of every kind deploy/base has, as a cluster serves it. */
const discovery = {
  '/api/v1': apiResources(
    ['Namespace', 'namespaces', false],
    ['ServiceAccount', 'serviceaccounts', true],
    ['Service', 'services', true],
    ['Service', 'services/status', true],
    ['ConfigMap', 'configmaps', true],
  ),
  '/apis/apps/v1': apiResources(['Deployment', 'deployments', true]),
  '/apis/apiextensions.k8s.io/v1': apiResources([
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
  ]),
  '/apis/rbac.authorization.k8s.io/v1': apiResources(
    ['ClusterRole', 'clusterroles', false],
    ['ClusterRoleBinding', 'clusterrolebindings', false],
    ['Role', 'roles', true],
    ['RoleBinding', 'rolebindings', true],
  ),
  '/apis/admissionregistration.k8s.io/v1': apiResources(
    ['ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false],
    ['ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false],
    ['MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
    ['ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ),
  '/apis/policy/v1': apiResources(['PodDisruptionBudget', 'poddisruptionbudgets', true]),
  '/apis/networking.k8s.io/v1': apiResources(['NetworkPolicy', 'networkpolicies', true]),
};

type Stored = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  status?: Record<string, unknown>;
  webhooks?: { name: string; clientConfig: Record<string, unknown> }[];
};

const stored = async (cluster: FakeCluster, path: string) => (await cluster.get(path)) as Stored;

/**
 * Plays the cluster's controllers for one tick: the apiextensions controller establishes every
 * CRD, the deployment controller brings the manager up `step` replicas at a time, and the
 * manager writes its webhooks' caBundle once a replica is available.
 */
const controllers = (cluster: FakeCluster, step = 1) => {
  const tick = async () => {
    for (const name of ['virtualapps', 'trafficpolicies', 'faultinjections']) {
      const path = `${CRD}/${name}.ctrlmesh.io`;
      const crd = await stored(cluster, path).catch(() => undefined);
      if (crd === undefined) continue;
      crd.status = { conditions: [{ type: 'Established', status: 'True' }] };
      cluster.set(path, crd);
    }
    const deployment = await stored(cluster, DEPLOYMENT).catch(() => undefined);
    if (deployment === undefined) return;
    const available = Math.min(2, Number(deployment.status?.availableReplicas ?? -step) + step);
    deployment.status = {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: available,
    };
    deployment.metadata.generation = 1;
    cluster.set(DEPLOYMENT, deployment);
    if (available < 1) return;
    for (const path of [MUTATING, VALIDATING]) {
      const configuration = await stored(cluster, path).catch(() => undefined);
      if (configuration === undefined) continue;
      for (const webhook of configuration.webhooks ?? []) webhook.clientConfig.caBundle = 'Q0E=';
      cluster.set(path, configuration);
    }
  };
  // A sleep is a tick; the fake's set is synchronous once the reads resolved.
  let ticking: Promise<void> = Promise.resolve();
  return {
    onSleep: () => {
      ticking = ticking.then(tick);
    },
    settled: () => ticking,
  };
};

/** A CapturedIo whose sleeps run the controllers (and wait for them before time moves on). */
const playing = (cluster: FakeCluster, options: Parameters<typeof capturedIo>[0] = {}) => {
  const played = controllers(cluster);
  const io = capturedIo({ ...options, onSleep: played.onSleep });
  const sleep = io.sleep;
  return {
    ...io,
    sleep: async (ms: number) => {
      await sleep(ms);
      await played.settled();
    },
  } as CapturedIo;
};

const patches = (cluster: FakeCluster) =>
  cluster.requests.filter((r) => r.startsWith('PATCH ')).map((r) => r.slice('PATCH '.length));

describe('ctrlmesh install -o yaml', () => {
  it('prints the bundled deploy/base in apply order without a cluster', async () => {
    const result = await run(['install', '-o', 'yaml']);
    expect(result.code).toBe(0);
    const kinds = parseAllDocuments(result.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toHaveLength(21);
    expect(kinds.slice(0, 4)).toEqual([
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Namespace',
    ]);
    expect(kinds.slice(-2).sort()).toEqual([
      'MutatingWebhookConfiguration',
      'ValidatingWebhookConfiguration',
    ]);
    expect(kinds.indexOf('ClusterRole')).toBeLessThan(kinds.indexOf('ClusterRoleBinding'));
    expect(kinds.indexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  it('prints the manifest given on stdin', async () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\n';
    const result = await run(['install', '-f', '-', '-o', 'yaml'], capturedIo({ stdin: manifest }));
    expect(result).toMatchObject({
      code: 0,
      stdout: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\n',
    });
  });
});

describe('ctrlmesh install on a cluster', () => {
  it('applies the CRDs, waits until they are Established, then the rest in order', async () => {
    const cluster = fakeCluster(discovery);
    const io = playing(cluster);
    const result = await runOnCluster(['install', '--context', 'prod'], cluster, io);
    expect(result.code).toBe(0);
    expect(result.flags).toEqual([
      { context: 'prod', kubeconfig: undefined, namespace: undefined },
    ]);
    const order = patches(cluster);
    expect(order).toHaveLength(21);
    expect(order.slice(0, 3).every((path) => path.startsWith(CRD))).toBe(true);
    expect(order[3]).toBe('/api/v1/namespaces/ctrlmesh-system');
    expect(order.slice(-2).sort()).toEqual([MUTATING, VALIDATING]);
    // Established was read before the namespace was applied.
    const firstEstablishedRead = cluster.requests.indexOf(`${CRD}/virtualapps.ctrlmesh.io`, 4);
    expect(firstEstablishedRead).toBeLessThan(
      cluster.requests.indexOf('PATCH /api/v1/namespaces/ctrlmesh-system'),
    );
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      'customresourcedefinition.apiextensions.k8s.io/virtualapps.ctrlmesh.io created',
    );
    expect(lines).toContain('namespace/ctrlmesh-system created');
    expect(lines).toContain('deployment.apps/ctrlmesh-manager created');
    expect(lines).toContain('clusterrole.rbac.authorization.k8s.io/ctrlmesh-manager created');
    expect(lines).toContain(
      'deployment ctrlmesh-system/ctrlmesh-manager: rolled out, 2 of 2 replicas available',
    );
    expect(lines).toContain(
      'validatingwebhookconfiguration ctrlmesh: caBundle written by the manager',
    );
    expect(result.stdout).toMatch(
      /installed: 21 objects of the bundled manifest \(deploy\/base of ctrlmesh \d+\.\d+\.\d+\) applied to context "fake" \(21 created, 0 configured, 0 unchanged\); the manager is ready\n$/,
    );
    expect(result.stderr).toContain(
      'waiting for customresourcedefinition virtualapps.ctrlmesh.io: not established yet (and 2 more)\n',
    );
    expect(result.stderr).toContain(
      'waiting for deployment ctrlmesh-system/ctrlmesh-manager: 0 of 2 replicas available (and 2 more)\n',
    );
    expect(result.stderr).toContain(
      'waiting for deployment ctrlmesh-system/ctrlmesh-manager: 1 of 2 replicas available\n',
    );
  });

  it('reports every object unchanged when installed again, and configured when one changed', async () => {
    const cluster = fakeCluster(discovery);
    await runOnCluster(['install'], cluster, playing(cluster));
    const again = await runOnCluster(['install'], cluster, playing(cluster));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(0 created, 0 configured, 21 unchanged)');
    expect(again.stdout).toContain('namespace/ctrlmesh-system unchanged\n');
    const service = '/api/v1/namespaces/ctrlmesh-system/services/ctrlmesh-manager';
    const edited = await stored(cluster, service);
    edited.spec = { ports: [] };
    cluster.set(service, edited);
    const third = await runOnCluster(['install'], cluster, playing(cluster));
    expect(third.stdout).toContain('service/ctrlmesh-manager configured\n');
    expect(third.stdout).toContain('(0 created, 1 configured, 20 unchanged)');
  });

  it('writes nothing with --dry-run and says what would change', async () => {
    const cluster = fakeCluster(discovery);
    const result = await runOnCluster(['install', '--dry-run'], cluster, playing(cluster));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/virtualapps.ctrlmesh.io created (server dry run)\n',
    );
    expect(result.stdout).toContain(
      'deployment.apps/ctrlmesh-manager created (server dry run, not checked: namespace ctrlmesh-system is not there yet)\n',
    );
    expect(result.stdout).toContain(
      'clusterrole.rbac.authorization.k8s.io/ctrlmesh-manager created (server dry run)\n',
    );
    expect(result.stdout).toContain(
      '21 would be created, 0 would be configured, 0 unchanged; nothing was changed',
    );
    expect(patches(cluster).every((p) => p.endsWith(' (dry run)'))).toBe(true);
    await expect(cluster.get('/api/v1/namespaces/ctrlmesh-system')).rejects.toThrow(ClusterError);
    expect(result.stderr).toBe('');
  });

  it('stops waiting at --timeout, naming what is not ready, and exits 1', async () => {
    const cluster = fakeCluster(discovery);
    // The CRDs get established, but no replica ever becomes available.
    const io = capturedIo({
      onSleep: () => {
        for (const name of ['virtualapps', 'trafficpolicies', 'faultinjections']) {
          cluster.set(`${CRD}/${name}.ctrlmesh.io`, {
            metadata: { name },
            status: { conditions: [{ type: 'Established', status: 'True' }] },
          });
        }
      },
    });
    const result = await runOnCluster(['install', '--timeout', '30s'], cluster, io);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: not ready within 30s:\n  deployment ctrlmesh-system/ctrlmesh-manager: 0 of 2 replicas updated\n',
    );
    expect(result.stderr).not.toContain(
      '  deployment ctrlmesh-system/ctrlmesh-manager: rolled out',
    );
    expect(result.stderr).toContain(
      '  validatingwebhookconfiguration ctrlmesh: no caBundle yet for virtualapps.ctrlmesh.io (the manager writes it once it runs)\n',
    );
    expect(result.stderr).toContain(
      '  mutatingwebhookconfiguration ctrlmesh: no caBundle yet for pods.inject.ctrlmesh.io, namespaces.inject.ctrlmesh.io',
    );
    expect(result.stdout).toContain('installed, not ready: 21 objects');
    expect(io.now()).toBe(30_000);
  });

  it('returns once applied with --no-wait, naming what it did not wait for', async () => {
    const cluster = fakeCluster(discovery);
    const result = await runOnCluster(['install', '--no-wait'], cluster, playing(cluster));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '; not waited for (--no-wait): deployment ctrlmesh-system/ctrlmesh-manager, validatingwebhookconfiguration ctrlmesh, mutatingwebhookconfiguration ctrlmesh\n',
    );
  });

  it('redraws one progress line on a terminal stderr and takes it away before the summary', async () => {
    const cluster = fakeCluster(discovery);
    const result = await runOnCluster(
      ['install'],
      cluster,
      playing(cluster, { stderrIsTTY: true, columns: 60 }),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('\n');
    expect(result.stderr).toContain(
      '\r\u001b[Kwaiting for deployment ctrlmesh-system/ctrlmesh-manager: 0…',
    );
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it('applies a manifest from stdin, in the context namespace when an object names none', async () => {
    const cluster = fakeCluster(discovery, { namespace: 'team-a' });
    const manifest = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1"}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}',
    ].join('\n---\n');
    const result = await runOnCluster(
      ['install', '-f', '-'],
      cluster,
      capturedIo({ stdin: manifest }),
    );
    expect(result.code).toBe(0);
    expect(patches(cluster)).toEqual([
      '/api/v1/namespaces/team-a',
      '/api/v1/namespaces/team-a/configmaps/settings',
    ]);
    expect(result.stdout).toContain(
      '2 objects of stdin applied to context "fake" (2 created, 0 configured, 0 unchanged); nothing to wait for\n',
    );
  });
});

describe('ctrlmesh install refusing', () => {
  it('names the object RBAC refuses and exits 4', async () => {
    const cluster = fakeCluster(discovery);
    cluster.refuse(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/ctrlmesh-manager',
      new ClusterError('PATCH /apis/...: 403 clusterroles is forbidden', 403),
    );
    const result = await runOnCluster(['install'], cluster, playing(cluster));
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      'ctrlmesh: cannot apply clusterrole.rbac.authorization.k8s.io/ctrlmesh-manager: PATCH /apis/...: 403 clusterroles is forbidden\n',
    );
  });

  it('exits 3 for an object the apiserver refuses as invalid', async () => {
    const cluster = fakeCluster(discovery);
    cluster.refuse(
      '/api/v1/namespaces/x/services/s',
      new ClusterError('422 spec.ports: Required', 422),
    );
    const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\n';
    const result = await runOnCluster(
      ['install', '-f', '-'],
      cluster,
      capturedIo({ stdin: manifest }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot apply service/s: 422 spec.ports: Required');
  });

  it('exits 4 for a kind the cluster does not serve', async () => {
    const cluster = fakeCluster(discovery);
    const manifest = 'apiVersion: ctrlmesh.io/v1alpha1\nkind: VirtualApp\nmetadata: {name: v}\n';
    const result = await runOnCluster(
      ['install', '-f', '-'],
      cluster,
      capturedIo({ stdin: manifest }),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      'cannot apply virtualapp.ctrlmesh.io/v: the cluster serves no kind VirtualApp in ctrlmesh.io/v1alpha1',
    );
  });

  it('refuses a manifest with a problem before asking the cluster anything', async () => {
    const cluster = fakeCluster(discovery);
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n[\n';
    const result = await runOnCluster(
      ['install', '-f', '-'],
      cluster,
      capturedIo({ stdin: manifest }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('stdin:5: document 2: no apiVersion');
    expect(result.stderr).toContain('document 3: configmap/a is in the manifest twice');
    expect(result.stderr).toContain('document 4: not valid YAML');
    expect(result.flags).toEqual([]);
    expect(cluster.requests).toEqual([]);
  });

  it('refuses a file that cannot be read, and one without objects', async () => {
    expect((await run(['install', '-f', '/nonexistent.yaml'])).stderr).toContain(
      '/nonexistent.yaml: cannot read it (ENOENT)',
    );
    const empty = await run(['install', '-f', '-', '-o', 'yaml'], capturedIo({ stdin: '---\n' }));
    expect(empty).toMatchObject({ code: 3, stderr: 'ctrlmesh: stdin holds no object to apply\n' });
  });

  it('treats -o yaml with --dry-run, a bad --timeout and -o json as usage errors', async () => {
    const both = await run(['install', '-o', 'yaml', '--dry-run']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('-o yaml prints the manifest without a cluster');
    const timeout = await run(['install', '--timeout', '5 minutes']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('expected a duration such as 90s, 5m or 1h30m');
    expect((await run(['install', '-o', 'json'])).code).toBe(2);
  });
});
