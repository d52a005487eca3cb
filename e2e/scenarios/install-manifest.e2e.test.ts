import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// apps/cli/manifests/install.yaml is what `ctrlmesh install` applies by default: deploy/base
// rendered by kustomize and committed, because the published CLI needs neither Go nor kustomize.
// It must never lag behind deploy/.
describe("ctrlmesh install's bundled manifest", () => {
  it('is what deploy/base renders to now (else: npm run -w @ctrlmesh/e2e render-install)', async () => {
    const script = path.resolve(import.meta.dirname, '../scripts/render-install-manifest.mjs');
    const result = await promisify(execFile)(process.execPath, [script, '--check']).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
