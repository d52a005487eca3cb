import { describe, expect, it } from 'vitest';
import { applyHeapDefaults, HEAP_DEFAULTS } from './heap-defaults.js';

const recorder = () => {
  const set: string[] = [];
  return { set, setFlags: (flag: string) => void set.push(flag) };
};

describe('applyHeapDefaults', () => {
  it('sets every default when the user chose no heap flag', () => {
    const { set, setFlags } = recorder();
    expect(applyHeapDefaults(['--enable-source-maps', ''], setFlags)).toEqual([...HEAP_DEFAULTS]);
    expect(set).toEqual([...HEAP_DEFAULTS]);
  });

  it("leaves a flag the user chose, in either spelling, to the user's value", () => {
    const { set, setFlags } = recorder();
    applyHeapDefaults(['--heap_growing_percent=50'], setFlags);
    expect(set).toEqual(['--semi-space-growth-factor=1']);
    expect(applyHeapDefaults(['--semi-space-growth-factor=2'], setFlags)).toEqual([
      '--heap-growing-percent=100',
    ]);
  });
});
