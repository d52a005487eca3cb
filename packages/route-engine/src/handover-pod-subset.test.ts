import { describe, expect, it } from 'vitest';
import { compileRoutes } from './compiled-routes.js';
import { DEFAULT_SUBSET } from './default-subset.js';
import { handoverPodSubset, NO_SUBSET } from './handover-pod-subset.js';
import { aVirtualApp } from './testing/index.js';

const withSubsets = (...subsets: { name: string; labels: Record<string, string> }[]) =>
  compileRoutes(aVirtualApp({ subsets }));

const canary = withSubsets({ name: 'canary', labels: { track: 'canary' } });
const renamed = withSubsets({ name: 'preview', labels: { track: 'canary' } });
const canaryPod = { track: 'canary' };

describe('handoverPodSubset', () => {
  it('is the current subset when Settled, whatever the previous revision said', () => {
    expect(
      handoverPodSubset({ phase: 'Settled', previous: canary, current: renamed }, canaryPod),
    ).toBe('preview');
  });

  it('is the current subset on the first publication, even while Revoking', () => {
    expect(handoverPodSubset({ phase: 'Revoking', current: canary }, canaryPod)).toBe('canary');
  });

  it('keeps the subset of a pod that both revisions put in the same subset while Revoking', () => {
    const again = withSubsets({ name: 'canary', labels: { track: 'canary' } });
    expect(
      handoverPodSubset({ phase: 'Revoking', previous: canary, current: again }, canaryPod),
    ).toBe('canary');
  });

  it('gives a pod of a renamed subset no subset while Revoking', () => {
    expect(
      handoverPodSubset({ phase: 'Revoking', previous: canary, current: renamed }, canaryPod),
    ).toBe(NO_SUBSET);
  });

  it('gives a pod that leaves its subset for the default one no subset while Revoking', () => {
    const none = withSubsets();
    expect(
      handoverPodSubset({ phase: 'Revoking', previous: canary, current: none }, canaryPod),
    ).toBe(NO_SUBSET);
    expect(
      handoverPodSubset({ phase: 'Settled', previous: canary, current: none }, canaryPod),
    ).toBe(DEFAULT_SUBSET);
  });
});
