import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eraseSequence, screenRows } from './terminal-redraw.js';

const lines = fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '-', 'é') }), { minLength: 1 });

describe('redrawing in place', () => {
  it('counts a row per line on a terminal wide enough, and never fewer rows than lines', () => {
    fc.assert(
      fc.property(lines, fc.integer({ min: 1, max: 200 }), (text, columns) => {
        const printed = `${text.join('\n')}\n`;
        const widest = Math.max(...text.map((line) => line.length));
        expect(screenRows(printed, undefined)).toBe(text.length);
        expect(screenRows(printed, Math.max(widest, 1))).toBe(text.length);
        expect(screenRows(printed, columns)).toBeGreaterThanOrEqual(text.length);
      }),
    );
  });

  it('counts the rows a wrapped line takes, and no room for colours', () => {
    expect(screenRows(`${'x'.repeat(81)}\n`, 80)).toBe(2);
    expect(screenRows(`\u001b[32m${'x'.repeat(80)}\u001b[39m\n`, 80)).toBe(1);
  });

  it('goes up as many rows as the last text took, then erases down', () => {
    expect(eraseSequence(undefined, 80)).toBe('');
    expect(eraseSequence('a\nb\n', 80)).toBe('\u001b[2F\u001b[J');
  });
});
