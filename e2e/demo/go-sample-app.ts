import type { Manifest } from '../support/deploy-manifests.js';
import { fastLeaseTimings } from '../support/sample-controller.js';

/** The image the Go sample controller's pods name; the demo maps it to the built binary. */
export const goSampleImage = 'localhost/ctrlmesh/go-sample:0.1.0';

/** The service account the controller's pods (and their proxies) run as. */
export const goSampleAccount = 'go-sample';

/** What the app is told. */
export interface GoSampleAppOptions {
  /** Its namespace: pods, Leases, VirtualApp. */
  namespace: string;
  /** The Lease the controller asks for (the v2 pods' proxies rename it). */
  lock: string;
  /** Pods per version, e.g. `{ v1: 2, v2: 1 }`: one Deployment each. */
  replicas: Record<string, number>;
}

/**
 * What a user applies to run the Go sample controller meshed (deploy/README.md, "Meshing a
 * controller"): its ServiceAccount, bound to the proxy's roles of deploy/rbac (namespaces and
 * discovery cluster-wide, the routes in its own namespace) and to the controller's own rules
 * (ConfigMaps everywhere, Leases and Events at home), and one Deployment per version whose pods
 * opt in to injection with `ctrlmesh.io/inject: enabled`.
 */
export function goSampleApp(options: GoSampleAppOptions): Manifest[] {
  const { namespace, lock } = options;
  const subject = [{ kind: 'ServiceAccount', name: goSampleAccount, namespace }];
  const roleRef = (kind: string, name: string) => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind,
    name,
  });
  const deployment = (version: string, replicas: number): Manifest => {
    const labels = { app: 'go-sample', version };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `go-sample-${version}`, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, 'ctrlmesh.io/inject': 'enabled' } },
          spec: {
            serviceAccountName: goSampleAccount,
            containers: [
              {
                name: 'controller',
                image: goSampleImage,
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'VERSION', value: version },
                  { name: 'LEADER_ELECTION_NAME', value: lock },
                  ...Object.entries(fastLeaseTimings).map(([name, value]) => ({ name, value })),
                ],
              },
            ],
          },
        },
      },
    };
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: goSampleAccount, namespace },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `ctrlmesh-proxy-${namespace}-${goSampleAccount}` },
      roleRef: roleRef('ClusterRole', 'ctrlmesh-proxy'),
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'ctrlmesh-proxy-routes', namespace },
      roleRef: roleRef('ClusterRole', 'ctrlmesh-proxy-routes'),
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'go-sample' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'watch', 'update', 'patch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'go-sample' },
      roleRef: roleRef('ClusterRole', 'go-sample'),
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'go-sample-leader-election', namespace },
      rules: [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
        },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'go-sample-leader-election', namespace },
      roleRef: roleRef('Role', 'go-sample-leader-election'),
      subjects: subject,
    },
    ...Object.entries(options.replicas).map(([version, count]) => deployment(version, count)),
  ];
}
