import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crdFiles } from './crd-files.js';
import { faultInjectionCrd, trafficPolicyCrd } from './policy-crds.js';
import { structuralProblem } from './structural-schema.js';
import { virtualAppCrd } from './virtual-app-crd.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the checked-in CRDs', () => {
  it.each(crdFiles())(
    '$path is what the zod schema generates (else: npm run -w @ctrlmesh/crd-generator generate)',
    ({ path: file, text }) => {
      expect(readFileSync(path.join(root, file), 'utf8')).toBe(text);
    },
  );

  it.each([
    ['VirtualApp', virtualAppCrd],
    ['TrafficPolicy', trafficPolicyCrd],
    ['FaultInjection', faultInjectionCrd],
  ])('the %s schema is structural', (_kind, crd) => {
    const schema = crd().spec.versions[0]?.schema.openAPIV3Schema ?? {};
    expect(structuralProblem(schema)).toBeUndefined();
  });
});
