import type { ParseResult } from '@ctrlmesh/route-engine';
import { parseFaultInjection, parseTrafficPolicy } from '@ctrlmesh/traffic-policy';
import { type FileProblem, located, type SourceObject } from './documents.js';
import { checkVirtualAppObject, fieldOf } from './virtual-app-object.js';

/** The kinds `validate` checks: ControllerMesh's own resources. */
export const CHECKED_KINDS = ['VirtualApp', 'TrafficPolicy', 'FaultInjection'] as const;

/** One of {@link CHECKED_KINDS}. */
export type CheckedKind = (typeof CHECKED_KINDS)[number];

/** One object of a file checked as the kind it says it is. */
export interface CheckedObject {
  /** The kind, when the object is of a checked kind and valid. */
  readonly valid?: CheckedKind | undefined;
  readonly problems: readonly FileProblem[];
  readonly notes: readonly FileProblem[];
}

const policyParsers: Record<
  Exclude<CheckedKind, 'VirtualApp'>,
  (input: unknown) => ParseResult<unknown>
> = {
  TrafficPolicy: parseTrafficPolicy,
  FaultInjection: parseFaultInjection,
};

const isCheckedKind = (kind: unknown): kind is CheckedKind =>
  (CHECKED_KINDS as readonly unknown[]).includes(kind);

/**
 * Checks one object with the parser of its kind (every problem at once, each with its path):
 * route-engine's for a VirtualApp, traffic-policy's for a TrafficPolicy or FaultInjection. Any
 * other kind is a problem of its own.
 */
export const checkObject = (source: SourceObject): CheckedObject => {
  const kind = fieldOf(source.value, 'kind');
  if (!isCheckedKind(kind) || kind === 'VirtualApp') {
    const checked = checkVirtualAppObject(source, CHECKED_KINDS);
    return { ...checked, valid: checked.app === undefined ? undefined : 'VirtualApp' };
  }
  const parsed = policyParsers[kind](source.value);
  return parsed.ok
    ? { valid: kind, problems: [], notes: [] }
    : {
        problems: parsed.problems.map((problem) => located(source, problem.path, problem.message)),
        notes: [],
      };
};
