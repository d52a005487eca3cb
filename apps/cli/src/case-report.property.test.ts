import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml } from './case-report.js';

const unescapeXml = (text: string): string =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

describe('escapeXml', () => {
  it('leaves no markup character bare, and loses nothing but what XML cannot hold', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeXml(text);
        expect(escaped).not.toMatch(/[<>"']|&(?!(lt|gt|quot|apos|amp);)/);
        expect(unescapeXml(escaped)).toBe(
          // biome-ignore lint/suspicious/noControlCharactersInRegex: what XML 1.0 forbids.
          text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''),
        );
      }),
    );
  });
});
