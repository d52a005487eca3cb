import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parsing --timeout', () => {
  it('reads Go durations as kubectl does', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5m')).toBe(90_000);
  });

  it('refuses what is not one', () => {
    for (const text of ['', '5', '-5m', '5 m', 'm', '5d', '1h 30m', '5M']) {
      expect(parseDuration(text)).toBeUndefined();
    }
  });

  test.prop([fc.nat(100), fc.nat(59), fc.nat(59)])(
    'adds up the parts of hours, minutes and seconds',
    (h, m, s) => {
      expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
    },
  );
});
