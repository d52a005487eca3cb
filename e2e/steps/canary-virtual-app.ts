/** Label value of namespaces in the canary (`ns-type=canary`); `ns-type=system` is never touched. */
export const namespaceType = 'ns-type';

/** What varies between canary stories: names, where the app lives, and how wide the canary is. */
export interface CanaryVirtualAppOptions {
  name: string;
  /** Namespace of the VirtualApp and of the Leases. */
  namespace: string;
  /** The controller's leader-election Lease; subset v2 gets `<lock>---v2`. */
  lock: string;
  /** Labels every namespace in play must carry (confines a story when others run in parallel). */
  scope?: Record<string, string>;
  /** More match entries for the canary rule: widening the canary is adding one. */
  widenedBy?: Record<string, unknown>[];
}

/**
 * The VirtualApp of DESIGN §1's canary story for pods labelled `app: go-sample`: pods labelled
 * `version: v2` (subset v2) own the namespaces labelled `ns-type=canary` or named `canary-*`,
 * every other pod (the default subset) the rest, and nobody sees `ns-type=system` namespaces.
 */
export function canaryVirtualApp(options: CanaryVirtualAppOptions): Record<string, unknown> {
  return {
    apiVersion: 'ctrlmesh.io/v1alpha1',
    kind: 'VirtualApp',
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      selector: { matchLabels: { app: 'go-sample' } },
      configuration: { controller: { leaderElectionName: options.lock } },
      route: {
        globalLimits: [
          {
            namespaceSelector: {
              ...(options.scope ? { matchLabels: options.scope } : {}),
              matchExpressions: [{ key: namespaceType, operator: 'NotIn', values: ['system'] }],
            },
          },
        ],
        subRules: [
          {
            name: 'canary-rule',
            match: [
              { namespaceSelector: { matchLabels: { [namespaceType]: 'canary' } } },
              { namespaceRegex: '^canary-' },
              ...(options.widenedBy ?? []),
            ],
          },
        ],
      },
      subsets: [{ name: 'v2', labels: { version: 'v2' }, routeRules: ['canary-rule'] }],
    },
  };
}
