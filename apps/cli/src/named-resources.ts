import type { ApiGroupResource, GroupResource, VirtualApp } from '@ctrlmesh/route-engine';

/** The resources a VirtualApp names outright, and the patterns it names by wildcard. */
export interface NamedResources {
  /** Each group/resource once, in spec order; subresources are read as their resource. */
  readonly resources: readonly GroupResource[];
  /** `GROUP/PATTERN` of every entry with a `*` group or resource, as written. */
  readonly wildcards: readonly string[];
}

const entriesOf = (app: VirtualApp): ApiGroupResource[] => {
  const route = app.spec.route ?? {};
  return [
    ...(route.globalLimits ?? []).flatMap((limit) => limit.resources ?? []),
    ...(route.subRules ?? []).flatMap((rule) => rule.match.flatMap((m) => m.resources ?? [])),
    ...(route.subsetPublicResources ?? []),
  ];
};

/**
 * The resources the rules of `apps` name, whose objects' labels a cluster has to be asked for:
 * every `apiGroups` x `resources` of the global limits, sub-rules and public resources. Core
 * `namespaces` is left out (namespaces are always read); `*` cannot be listed without discovery
 * of every resource, so such patterns are returned apart, for a note.
 */
export const namedResources = (apps: readonly VirtualApp[]): NamedResources => {
  const resources = new Map<string, GroupResource>();
  const wildcards = new Set<string>();
  for (const entry of apps.flatMap(entriesOf)) {
    for (const group of entry.apiGroups) {
      for (const pattern of entry.resources) {
        const [resource = ''] = pattern.split('/');
        if (group === '*' || resource === '*') {
          wildcards.add(`${group === '' ? 'core' : group}/${pattern}`);
          continue;
        }
        if (group === '' && resource === 'namespaces') continue;
        resources.set(`${group}/${resource}`, { group, resource });
      }
    }
  }
  return { resources: [...resources.values()], wildcards: [...wildcards] };
};
