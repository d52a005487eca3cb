import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHere, parseInWorker } from './virtual-app-worker.js';

const vapp = readFileSync(new URL('./fixtures/canary-vapp.yaml', import.meta.url), 'utf8');

describe('reading a VirtualApp here or in a worker', () => {
  it.each([
    ['a valid VirtualApp', vapp],
    ['an invalid VirtualApp', vapp.replace('routeRules: [canary-rule]', 'routeRules: [missing]')],
    ['text that is not YAML', 'spec: [unclosed'],
  ])('gives the same verdict both ways for %s', async (_, text) => {
    const here = parseHere(text);
    expect(await parseInWorker(text)).toEqual(here);
    const ok = here.kind === 'parsed' ? here.result.ok : 'not-yaml';
    expect(ok).toBe(text === vapp ? true : text === 'spec: [unclosed' ? 'not-yaml' : false);
  });
});
