import { describe, expect, it } from 'vitest';
import { fixture, run } from '../testing/captured-io.js';

describe('ctrlmesh validate', () => {
  it('accepts a valid VirtualApp and exits 0', async () => {
    const result = await run(['validate', fixture('canary-v1.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ok ${fixture('canary-v1.yaml')} (1 VirtualApp)`);
    expect(result.stdout).toContain('1 file valid');
  });

  it('prints every problem of every document with file, line, document and path, and exits 1', async () => {
    const file = fixture('invalid.yaml');
    const result = await run(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `${file}:12: document 1: spec.route.subRules[0].match[0]: Unrecognized key: "namespaceRegx"`,
        expect.stringMatching(
          new RegExp(
            `^${file}:13: document 1: spec\\.route\\.subRules\\[0\\]\\.match\\[1\\]\\.namespaceRegex: invalid RE2 regex`,
          ),
        ),
        `${file}:17: document 1: spec.subsets[0].routeRules[0]: unknown sub-rule "canary"`,
        `${file}:27: document 3: kind: kind "ConfigMap" is not something ctrlmesh checks here (VirtualApp, TrafficPolicy and FaultInjection are)`,
      ]),
    );
    // Document 2 is valid: nothing is said about it.
    expect(result.stdout).not.toContain('document 2:');
    expect(result.stdout).toContain('5 problems in 1 file');
  });

  it('checks TrafficPolicies and FaultInjections with the same parsers the proxy uses', async () => {
    const result = await run(['validate', fixture('policies.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `ok ${fixture('policies.yaml')} (1 TrafficPolicy, 1 FaultInjection)`,
    );
  });

  it('prints every problem of a policy with its line and path, and exits 1', async () => {
    const file = fixture('invalid-policies.yaml');
    const result = await run(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `${file}:11: document 1: spec.rateLimits[0]: set qps or maxInFlight: a rate limit without either limits nothing`,
        `${file}:12: document 1: spec.rateLimits[0].burst: burst needs qps`,
        expect.stringMatching(
          new RegExp(`^${file}:24: document 2: spec\\.faults\\[0\\]\\.probability: .*1`),
        ),
      ]),
    );
    expect(result.stdout).toContain('3 problems in 1 file');
  });

  it('accepts an original ctrlmesh.kruise.io document with a note on what to change', async () => {
    const result = await run(['validate', fixture('original.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "document 1: apiVersion: ctrlmesh.kruise.io/v1alpha1 is the original project's version, accepted as it is: change it to ctrlmesh.io/v1alpha1",
    );
  });

  it('reads JSON as well as YAML', async () => {
    const result = await run(['validate', fixture('virtualapp.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${fixture('virtualapp.json')}:7: document 1: spec.subsets[0].labels: labels must not be empty`,
    );
  });

  it('reports a YAML syntax error as a problem of its document', async () => {
    const result = await run(['validate', fixture('broken-yaml.txt')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${fixture('broken-yaml.txt')}:4: document 1: not valid YAML:`);
  });

  it('reads the items of a kubectl List', async () => {
    const result = await run(['validate', fixture('world.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${fixture('world.yaml')}:6: document 1: items[0].kind: kind "Namespace" is not something ctrlmesh checks`,
    );
  });

  it('checks every file given and sums up the problems', async () => {
    const result = await run([
      'validate',
      fixture('canary-v1.yaml'),
      fixture('invalid.yaml'),
      fixture('virtualapp.json'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('6 problems in 2 files');
  });

  it('exits 3 when a file cannot be read, after checking the others', async () => {
    const result = await run(['validate', fixture('missing.yaml'), fixture('canary-v1.yaml')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${fixture('missing.yaml')}: cannot read it (ENOENT)`);
    expect(result.stdout).toContain('ok ');
  });

  it('prints the problems as JSON for scripts', async () => {
    const result = await run(['validate', fixture('invalid.yaml'), '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(report.files[0].valid).toEqual({ VirtualApp: 1, TrafficPolicy: 0, FaultInjection: 0 });
    expect(report.files[0].problems[0]).toEqual({
      file: fixture('invalid.yaml'),
      document: 1,
      line: 12,
      path: 'spec.route.subRules[0].match[0]',
      message: 'Unrecognized key: "namespaceRegx"',
    });
  });

  it('refuses to run without a file, as a usage error', async () => {
    const result = await run(['validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'file'");
  });
});
