import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the durations Go writes', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2h')).toBe(7_200_000);
  });

  it('refuses bare numbers, signs and unknown units', () => {
    for (const text of ['30', '-1s', '1d', 's', '', '1s2'])
      expect(parseDuration(text)).toBeUndefined();
  });
});
