import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the durations Go writes, and 0', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2h')).toBe(7_200_000);
  });

  it('refuses bare numbers, signs, spaces and unknown units', () => {
    for (const text of [
      '',
      '5',
      '30',
      '-5m',
      '-1s',
      '5 m',
      '1h 30m',
      'm',
      's',
      '5d',
      '1d',
      '5M',
      '1s2',
    ])
      expect(parseDuration(text)).toBeUndefined();
  });

  test.prop([fc.nat(100), fc.nat(59), fc.nat(59)])(
    'adds up the parts of hours, minutes and seconds',
    (h, m, s) => {
      expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
    },
  );
});
