import { formatPath, type Problem } from '@ctrlmesh/route-engine';
import type { z } from 'zod';

// The semantic checks walk the raw input with these guards rather than the zod output, so that a
// structural problem in one place does not hide semantic problems elsewhere (as parseVirtualApp).

/** A path into the raw input: `['spec', 'faults', 0, 'abort']`. */
export type Path = readonly (string | number)[];
/** Records one problem at a path. */
export type Report = (path: Path, message: string) => void;

/** Whether `value` is a plain object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** `value[key]` when `value` is an object that has it. */
export const field = (value: unknown, key: string): unknown =>
  isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
/** `value` when it is an array, else `[]`. */
export const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** Whether `value` is a string. */
export const isString = (value: unknown): value is string => typeof value === 'string';
/** Whether `value` is a number. */
export const isNumber = (value: unknown): value is number => typeof value === 'number';

/** zod's structural issues as problems. */
export const zodProblems = (error: z.ZodError): Problem[] =>
  error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));

/** A problem list and the reporter that fills it. */
export const problemCollector = (): { problems: Problem[]; report: Report } => {
  const problems: Problem[] = [];
  return {
    problems,
    report: (path, message) => problems.push({ path: formatPath(path), message }),
  };
};
