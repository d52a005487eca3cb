import {
  type Labels,
  parseApiPath,
  type Target,
  type TargetNamespace,
} from '@ctrlmesh/route-engine';
import { isClusterScoped } from './cluster-scoped-resources.js';
import { objectLabel, type World, type WorldObject } from './world.js';

/** A target named on the command line or in a cases file, resolved against a world. */
export interface ResolvedTarget {
  /** How it is shown: the spec as given, or the world object's name. */
  readonly label: string;
  readonly target: Target;
  /** What the world did not know and was assumed (a namespace's labels taken as empty). */
  readonly warnings: readonly string[];
  /**
   * For a list or watch request: its verb. The proxy never refuses one; it filters the items, each
   * decided as `target` is (or per object, see `acrossNamespaces`).
   */
  readonly collectionRead?: 'list' | 'watch' | undefined;
  /**
   * A list or watch without a namespace of a resource not known to be cluster-scoped: its items
   * live in many namespaces, so each is decided in its own.
   */
  readonly acrossNamespaces?: boolean | undefined;
}

/** A target spec that cannot be read, with what is wrong. */
export interface TargetSpecError {
  readonly error: string;
}

/** The forms a target may take, for messages and `--help`. */
export const TARGET_FORMS =
  'ns/NAME, [GROUP/]RESOURCE/NAMESPACE/NAME, [GROUP/]RESOURCE/NAME (cluster scope), or a request "VERB PATH" such as "GET /api/v1/namespaces/team-a/configmaps"';

const NAMESPACE_ALIASES = new Set(['ns', 'namespace', 'namespaces']);

const namespaceIn = (world: World, name: string, warnings: string[]): TargetNamespace => {
  const labels = world.namespaces.get(name);
  if (labels !== undefined) return { name, labels };
  warnings.push(`namespace "${name}" is not in the world: its labels are taken as empty`);
  return { name, labels: {} };
};

const findObject = (
  world: World,
  group: string,
  resource: string,
  namespace: string | undefined,
  name: string,
): WorldObject | undefined =>
  world.objects.find(
    (o) =>
      o.group === group && o.resource === resource && o.namespace === namespace && o.name === name,
  );

/** The target of a Namespace object, which lives in itself (DESIGN §4.1). */
const namespaceTarget = (world: World, name: string, warnings: string[]): Target => {
  const namespace = namespaceIn(world, name, warnings);
  return { group: '', resource: 'namespaces', namespace, objectLabels: namespace.labels };
};

const objectTarget = (
  world: World,
  group: string,
  resource: string,
  namespace: string | undefined,
  name: string,
  warnings: string[],
): Target => {
  // An object the world does not have: its labels are not known, and explain says so.
  const labels: Labels | undefined = findObject(world, group, resource, namespace, name)?.labels;
  return {
    group,
    resource,
    namespace: namespace === undefined ? undefined : namespaceIn(world, namespace, warnings),
    objectLabels: labels,
  };
};

const resolveRequest = (
  spec: string,
  world: World,
  userAgent: string | undefined,
): ResolvedTarget | TargetSpecError => {
  const [method = '', path = ''] = spec.trim().split(/\s+/);
  const request = parseApiPath(method.toUpperCase(), path);
  if (request.kind !== 'resource') {
    return { error: `"${spec}" is not a request for a Kubernetes resource` };
  }
  const warnings: string[] = [];
  const { group, resource, subresource, namespace, name, verb } = request;
  const collectionRead = verb === 'list' || verb === 'watch' ? verb : undefined;
  const acrossNamespaces =
    collectionRead !== undefined &&
    namespace === undefined &&
    !(group === '' && resource === 'namespaces') &&
    !isClusterScoped(world, group, resource);
  const base =
    group === '' && resource === 'namespaces' && name !== undefined && subresource === undefined
      ? namespaceTarget(world, name, warnings)
      : {
          ...objectTarget(world, group, resource, namespace, name ?? '', warnings),
          subresource,
          // A collection (list, watch, create): the object's labels are not known.
          ...(name === undefined ? { objectLabels: undefined } : {}),
        };
  return {
    label: spec,
    target: { ...base, userAgent },
    warnings,
    collectionRead,
    acrossNamespaces,
  };
};

/**
 * Reads a target spec (see {@link TARGET_FORMS}). Three segments are read as
 * RESOURCE/NAMESPACE/NAME unless the world has a cluster-scoped object GROUP/RESOURCE/NAME or the
 * first segment has a dot (a group such as `rbac.authorization.k8s.io`).
 */
export const resolveTarget = (
  spec: string,
  world: World,
  userAgent?: string,
): ResolvedTarget | TargetSpecError => {
  if (/\s/.test(spec.trim())) return resolveRequest(spec, world, userAgent);
  const segments = spec.split('/');
  if (segments.some((segment) => segment === '')) {
    return { error: `"${spec}" has an empty segment; use ${TARGET_FORMS}` };
  }
  const warnings: string[] = [];
  const done = (target: Target): ResolvedTarget => ({
    label: spec,
    target: { ...target, userAgent },
    warnings,
  });
  const [first = '', second = '', third = '', fourth = ''] = segments;
  switch (segments.length) {
    case 2:
      return NAMESPACE_ALIASES.has(first)
        ? done(namespaceTarget(world, second, warnings))
        : done(objectTarget(world, '', first, undefined, second, warnings));
    case 3: {
      const clusterScoped =
        first.includes('.') || findObject(world, first, second, undefined, third) !== undefined;
      return clusterScoped
        ? done(objectTarget(world, first, second, undefined, third, warnings))
        : done(objectTarget(world, '', first, second, third, warnings));
    }
    case 4:
      return done(objectTarget(world, first, second, third, fourth, warnings));
    default:
      return { error: `"${spec}" is not a target; use ${TARGET_FORMS}` };
  }
};

/** Every Namespace and object of the world as a target, Namespaces first, in file order. */
export const worldTargets = (world: World, userAgent?: string): ResolvedTarget[] => [
  ...[...world.namespaces.keys()].map((name) => {
    const warnings: string[] = [];
    return {
      label: `ns/${name}`,
      target: { ...namespaceTarget(world, name, warnings), userAgent },
      warnings,
    };
  }),
  ...world.objects.map((object) => {
    const warnings: string[] = [];
    return {
      label: objectLabel(object),
      target: {
        ...objectTarget(
          world,
          object.group,
          object.resource,
          object.namespace,
          object.name,
          warnings,
        ),
        userAgent,
      },
      warnings,
    };
  }),
];
