import { formatPath } from '@ctrlmesh/route-engine';
import { z } from 'zod';
import type { CliIo } from './cli-io.js';
import { type FileProblem, formatProblem, located, readObjects } from './documents.js';
import { InputError } from './input-error.js';
import { KubeObjectSchema } from './world.js';

const LabelsSchema = z.record(z.string(), z.string());

/** What a case expects; every field given is checked. */
export const ExpectSchema = z
  .strictObject({
    /** The subset that owns the target (`(default)` for the default subset). */
    owner: z.string().min(1).optional(),
    /** Whether global limits fence the target off. */
    excluded: z.boolean().optional(),
    /** Whether the target is a public resource every subset sees. */
    public: z.boolean().optional(),
    /**
     * What the pod (or subset) may do: `allow`, `deny` (owned elsewhere or excluded), `filter`
     * (a list or watch, which the proxy never refuses, or a get decided by the object's labels).
     */
    decision: z.enum(['allow', 'deny', 'filter']).optional(),
    /**
     * For a list or watch: what becomes of its items, each decided as an object of the request's
     * scope: `allow` (all kept), `deny` (all dropped), `filter` (decided per object).
     */
    items: z.enum(['allow', 'deny', 'filter']).optional(),
  })
  .refine((expect) => Object.keys(expect).length > 0, {
    message: 'expect at least one of owner, excluded, public, decision, items',
  });

/** One case: a target or a request, optionally asked by a pod, and what to expect. */
export const CaseSchema = z
  .strictObject({
    name: z.string().min(1),
    /** `ns/NAME`, `[GROUP/]RESOURCE/NAMESPACE/NAME`, `[GROUP/]RESOURCE/NAME`. */
    target: z.string().min(1).optional(),
    /** `VERB PATH`, e.g. `GET /api/v1/namespaces/team-a/configmaps`. */
    request: z.string().min(1).optional(),
    /** The labels of the pod asking; its subset is the first whose labels it has. */
    pod: LabelsSchema.optional(),
    /** The subset asking, instead of a pod's labels. */
    subset: z.string().min(1).optional(),
    userAgent: z.string().min(1).optional(),
    expect: ExpectSchema,
  })
  .refine((c) => (c.target === undefined) !== (c.request === undefined), {
    message: 'give exactly one of target and request',
  })
  .refine(
    (c) =>
      (c.expect.decision === undefined && c.expect.items === undefined) ||
      (c.pod === undefined) !== (c.subset === undefined),
    {
      message: 'a decision is for a pod: give exactly one of pod (its labels) and subset',
    },
  )
  .refine((c) => c.expect.items === undefined || c.request !== undefined, {
    message: 'items is for a list or watch request: give request, not target',
  })
  .refine((c) => c.pod === undefined || c.subset === undefined, {
    message: 'give pod or subset, not both',
  });

/** A cases file: the world the cases are asked in, and the cases. */
export const CasesFileSchema = z.strictObject({
  given: z
    .strictObject({
      /** Namespace name -> its labels. */
      namespaces: z.record(z.string(), LabelsSchema.nullable()).optional(),
      /** Kubernetes objects (apiVersion, kind, metadata.namespace, name and labels). */
      objects: z.array(KubeObjectSchema).optional(),
    })
    .optional(),
  cases: z.array(CaseSchema).min(1),
});

/** One case of a cases file. */
export type TestCase = z.infer<typeof CaseSchema>;

/** A cases file as read. */
export type CasesFile = z.infer<typeof CasesFileSchema>;

/** Reads a cases file (one YAML or JSON document); throws an InputError with every problem. */
export const readCasesFile = (io: CliIo, file: string): CasesFile => {
  const contents = readObjects(io, file);
  const problems: FileProblem[] = [...contents.problems];
  if (problems.length === 0 && contents.objects.length !== 1) {
    problems.push({
      file,
      path: '',
      message: `expected one document of cases, found ${contents.objects.length}`,
    });
  }
  const [source] = contents.objects;
  if (problems.length === 0 && source !== undefined) {
    const parsed = CasesFileSchema.safeParse(source.value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      problems.push(located(source, formatPath(issue.path), issue.message));
    }
  }
  throw new InputError(
    `${file} is not a cases file (see "ctrlmesh test --help"):\n${problems.map(formatProblem).join('\n')}`,
  );
};
