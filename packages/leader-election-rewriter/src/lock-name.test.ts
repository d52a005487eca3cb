import { describe, expect, it } from 'vitest';
import { subsetLockName } from './lock-name.js';

describe('subsetLockName', () => {
  it('appends ---<subset>', () => {
    expect(subsetLockName('cafeextcontroller', 'ctrlmeshtest')).toBe(
      'cafeextcontroller---ctrlmeshtest',
    );
  });

  it('never suffixes twice', () => {
    expect(subsetLockName('lock---canary', 'canary')).toBe('lock---canary');
  });

  it("treats another subset's suffix as part of the name", () => {
    expect(subsetLockName('lock---v1', 'v2')).toBe('lock---v1---v2');
  });
});
