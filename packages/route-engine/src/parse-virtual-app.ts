import { failure, type ParseResult } from './problem.js';
import type { VirtualApp } from './virtual-app.js';

/**
 * Parses and validates a VirtualApp, returning the typed value or every problem at once, each
 * with its path (`spec.subsets[1].routeRules[0]: unknown sub-rule "canary"`).
 */
export const parseVirtualApp = (input: unknown): ParseResult<VirtualApp> => {
  void input;
  return failure([{ path: '', message: 'not implemented yet' }]);
};
