import type { Labels } from './label-selector.js';

/** The namespace a target lives in: its name and its labels. */
export interface TargetNamespace {
  readonly name: string;
  readonly labels: Labels;
}

/**
 * What a request or an object is about (DESIGN §4). No `namespace` means cluster scope, with one
 * exception: for core `namespaces` a missing namespace means "which Namespace is not known yet"
 * (a list of Namespaces), because a Namespace lives in itself.
 */
export interface Target {
  /** API group; `""` is the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string | undefined;
  readonly namespace?: TargetNamespace | undefined;
  /** The object's labels; absent when not known yet (a list before its items are seen). */
  readonly objectLabels?: Labels | undefined;
  /** The User-Agent the controller sent (after any `userAgentOrPrefix` override). */
  readonly userAgent?: string | undefined;
}

/** Whether `target` is about Namespace objects, which live in themselves (DESIGN §4.1). */
export const isNamespaceResource = (target: Pick<Target, 'group' | 'resource'>): boolean =>
  target.group === '' && target.resource === 'namespaces';
