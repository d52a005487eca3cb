import { describe, expect, it } from 'vitest';
import { aSpec } from '../test-support/builders.js';
import { revisionName } from './revision-name.js';

describe('revisionName', () => {
  it('is the VirtualApp name and 10 hex digits of the spec hash', () => {
    expect(revisionName('web', aSpec())).toMatch(/^web-[0-9a-f]{10}$/);
  });

  it('names equal specs alike, whatever their key order', () => {
    const spec = aSpec();
    const reordered = { subsets: spec.subsets, route: spec.route, selector: spec.selector };
    expect(revisionName('web', reordered)).toBe(revisionName('web', spec));
  });

  it('names different specs differently', () => {
    expect(revisionName('web', aSpec(['canary-b']))).not.toBe(revisionName('web', aSpec()));
  });

  it('hashes the canonical JSON with SHA-256', () => {
    // sha256('{"a":1}') = 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862
    expect(revisionName('x', { a: 1 })).toBe('x-015abd7f5c');
  });
});
