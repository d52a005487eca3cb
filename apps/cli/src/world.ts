import { formatPath, type Labels } from '@ctrlmesh/route-engine';
import { z } from 'zod';
import type { CliIo } from './cli-io.js';
import { type FileProblem, formatProblem, located, readObjects } from './documents.js';
import { InputError } from './input-error.js';
import { kindToResource } from './kind-to-resource.js';

/** An object of the world other than a Namespace: where it lives and its labels. */
export interface WorldObject {
  readonly group: string;
  readonly resource: string;
  /** Absent for a cluster-scoped object. */
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly labels: Labels;
}

/**
 * The namespaces and objects the ownership questions are asked about, as a cluster has them:
 * what `kubectl get ns,<resources> -A -o yaml` prints.
 */
export interface World {
  /** Namespace name -> its labels. */
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly objects: readonly WorldObject[];
}

/** The fields of a Kubernetes object the world needs; everything else is ignored. */
export const KubeObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).nullish(),
  }),
});

/** A Kubernetes object as the world reads it. */
export type KubeObject = z.infer<typeof KubeObjectSchema>;

/** `apps/v1` -> `apps`, `v1` -> `""` (the core group). */
const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';

/** Builds a world from Kubernetes objects: Namespaces give names and labels, the rest objects. */
export const worldOf = (items: readonly KubeObject[]): World => {
  const namespaces = new Map<string, Labels>();
  const objects: WorldObject[] = [];
  for (const item of items) {
    const group = groupOf(item.apiVersion);
    const labels = item.metadata.labels ?? {};
    if (group === '' && item.kind === 'Namespace') {
      namespaces.set(item.metadata.name, labels);
      continue;
    }
    objects.push({
      group,
      resource: kindToResource(item.kind),
      namespace: item.metadata.namespace,
      name: item.metadata.name,
      labels,
    });
  }
  return { namespaces, objects };
};

/**
 * Reads a world file: YAML or JSON, a `List` (kubectl's `-o yaml`) or plain objects, any number
 * of documents. Throws an {@link InputError} with every problem when it is not one.
 */
export const readWorld = (io: CliIo, file: string): World => {
  const contents = readObjects(io, file);
  const problems: FileProblem[] = [...contents.problems];
  const items: KubeObject[] = [];
  for (const source of contents.objects) {
    const parsed = KubeObjectSchema.safeParse(source.value);
    if (parsed.success) {
      items.push(parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      problems.push(located(source, formatPath(issue.path), issue.message));
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      `${file} is not a world file (kubectl get ns,<resources> -A -o yaml):\n${problems.map(formatProblem).join('\n')}`,
    );
  }
  return worldOf(items);
};

/** How a world object is named on the command line and in output (see target-spec.ts). */
export const objectLabel = (object: WorldObject): string =>
  [object.group, object.resource, object.namespace, object.name]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
