import { describe, expect, it } from 'vitest';
import { failureClassifier, isFailureCode } from './failure-codes.js';
import { DEFAULT_FAILURE_CODES } from './traffic-policy.js';

describe('failure codes', () => {
  it('accepts codes, classes and "transport", nothing else', () => {
    expect(['503', '5xx', '4xx', '429', 'transport'].every(isFailureCode)).toBe(true);
    expect(['6xx', '5x', '50', 'Transport', '5XX', ''].some(isFailureCode)).toBe(false);
  });

  it('counts 5xx, 429 and transport errors by default, not other 4xx', () => {
    const isFailure = failureClassifier(DEFAULT_FAILURE_CODES);
    expect([500, 503, 599, 429].map((code) => isFailure({ code }))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([200, 404, 409, 410].map((code) => isFailure({ code }))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(isFailure({ transportError: true })).toBe(true);
  });

  it('counts only what the list names', () => {
    const isFailure = failureClassifier(['503']);
    expect([
      isFailure({ code: 503 }),
      isFailure({ code: 500 }),
      isFailure({ transportError: true }),
    ]).toEqual([true, false, false]);
  });
});
