import { describe, expect, it } from 'vitest';
import { isLabelValue } from './label-value.js';

describe('isLabelValue', () => {
  it.each(['true', 'run-1a2b3c', 'a', 'My_value.2', '', 'a'.repeat(63)])(
    'accepts "%s"',
    (value) => {
      expect(isLabelValue(value)).toBe(true);
    },
  );

  it.each(['-run', 'run-', '_a', 'a.', 'a/b', 'not a label', 'ä', 'a'.repeat(64)])(
    'rejects "%s"',
    (value) => {
      expect(isLabelValue(value)).toBe(false);
    },
  );
});
