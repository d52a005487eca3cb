import { describe, expect, it } from 'vitest';
import { compileNamespaceRegex, MAX_REMEMBERED_NAMES } from './namespace-regex.js';

const regex = (source: string) => {
  const compiled = compileNamespaceRegex(source);
  if (!compiled.ok) throw new Error(compiled.problems[0]?.message);
  return compiled.value;
};

describe('compileNamespaceRegex', () => {
  it('searches anywhere in the name, as Go MatchString does', () => {
    expect(regex('canary').test('my-canary-ns')).toBe(true);
    expect(regex('^canary.*').test('my-canary-ns')).toBe(false);
    expect(regex('^canary.*').test('canary-a')).toBe(true);
    expect(regex('^a$').test('ab')).toBe(false);
  });

  it.each(['(a', '(?=a)', '(a)\\1'])('rejects %j, which RE2 does not accept', (source) => {
    const compiled = compileNamespaceRegex(source);
    expect(compiled.ok ? '' : compiled.problems[0]?.message).toContain('invalid RE2 regex');
  });

  it('stays linear on a pattern that makes backtracking engines explode', () => {
    const started = performance.now();
    expect(regex('^(a+)+$').test(`${'a'.repeat(5000)}!`)).toBe(false);
    // Generous bound: a backtracking engine would take longer than the age of the universe.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('remembered answers', () => {
  it('give the same answers after the cache fills up and starts over', () => {
    const compiled = regex('^team-');
    const names = Array.from({ length: MAX_REMEMBERED_NAMES + 10 }, (_, i) =>
      i % 2 === 0 ? `team-${i}` : `other-${i}`,
    );
    for (const round of [1, 2]) {
      expect(names.filter((name) => compiled.test(name)).length, `round ${round}`).toBe(
        Math.ceil(names.length / 2),
      );
    }
  });
});
