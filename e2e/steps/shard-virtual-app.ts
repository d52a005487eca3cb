/** What varies between stories of a controller sharded by an object label. */
export interface ShardVirtualAppOptions {
  name: string;
  /** Namespace of the VirtualApp (and of the Leases, when there is a `lock`). */
  namespace: string;
  /** The `app` label of the controller's pods. */
  app: string;
  /** Labels every namespace in play must carry (confines a story when others run in parallel). */
  scope: Record<string, string>;
  /** The controller's leader-election Lease, when it elects one; subset a gets `<lock>---a`. */
  lock?: string;
}

/**
 * The VirtualApp of the sharding stories: pods labelled `shard: a` (subset a) own the
 * objects labelled `shard: a`, every other pod (the default subset) the rest, in the namespaces
 * labelled with `scope`.
 */
export function shardVirtualApp(options: ShardVirtualAppOptions): Record<string, unknown> {
  return {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      selector: { matchLabels: { app: options.app } },
      ...(options.lock === undefined
        ? {}
        : { configuration: { controller: { leaderElectionName: options.lock } } }),
      route: {
        globalLimits: [{ namespaceSelector: { matchLabels: options.scope } }],
        subRules: [
          { name: 'shard-a', match: [{ objectSelector: { matchLabels: { shard: 'a' } } }] },
        ],
      },
      subsets: [{ name: 'a', labels: { shard: 'a' }, routeRules: ['shard-a'] }],
    },
  };
}
