import { describe, expect, it } from 'vitest';
import { durationText } from './duration-text.js';

describe('durationText', () => {
  it('prints durations as Go does, in whole seconds from one second up', () => {
    expect(durationText(850)).toBe('850ms');
    expect(durationText(30_000)).toBe('30s');
    expect(durationText(30_999)).toBe('30s');
    expect(durationText(125_000)).toBe('2m5s');
    expect(durationText(3_603_000)).toBe('1h0m3s');
  });
});
