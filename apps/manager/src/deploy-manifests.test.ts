import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readCommandLine } from './command-line.js';

const deployDir = path.resolve(import.meta.dirname, '../../../deploy');

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });

type Doc = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
  resources?: unknown;
  spec?: { template?: { spec?: { containers?: { name: string; args?: string[] }[] } } };
};

const documents = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
    return d.toJS() as Doc;
  });

const relative = (file: string) => path.relative(deployDir, file);
const all = yamlFiles(deployDir);
const kustomizations = all.filter((f) => path.basename(f) === 'kustomization.yaml');

describe('deploy/', () => {
  it('holds only YAML that parses into objects with apiVersion, kind and a name', () => {
    expect(all.length).toBeGreaterThan(10);
    const problems = all
      .filter((f) => !kustomizations.includes(f))
      .flatMap((file) =>
        documents(file)
          .filter((d) => d !== null)
          .filter(
            (d) =>
              typeof d.apiVersion !== 'string' ||
              typeof d.kind !== 'string' ||
              typeof d.metadata?.name !== 'string',
          )
          .map((d) => `${relative(file)}: ${JSON.stringify(d).slice(0, 80)}`),
      );
    expect(problems).toEqual([]);
  });

  it('lists in every kustomization only resources that exist', () => {
    expect(kustomizations.map(relative).sort()).toEqual([
      'admission/kustomization.yaml',
      'base/kustomization.yaml',
      'crds/kustomization.yaml',
      'manager/kustomization.yaml',
      'overlays/local-demo/kustomization.yaml',
      'rbac/kustomization.yaml',
      'webhooks/kustomization.yaml',
    ]);
    const missing = kustomizations.flatMap((file) => {
      const [doc] = documents(file);
      const resources = (doc?.resources ?? []) as string[];
      return resources
        .map((r) => path.resolve(path.dirname(file), r))
        .filter(
          (r) =>
            !existsSync(r) ||
            (statSync(r).isDirectory() && !existsSync(path.join(r, 'kustomization.yaml'))),
        )
        .map((r) => `${relative(file)} -> ${relative(r)}`);
    });
    expect(missing).toEqual([]);
  });

  it('lists every manifest file in some kustomization', () => {
    const listed = new Set(
      kustomizations.flatMap((file) =>
        ((documents(file)[0]?.resources ?? []) as string[]).map((r) =>
          path.resolve(path.dirname(file), r),
        ),
      ),
    );
    const unlisted = all.filter((f) => !kustomizations.includes(f) && !listed.has(f));
    expect(unlisted.map(relative)).toEqual([]);
  });

  it('gives the manager Deployment only flags apps/manager accepts', () => {
    const [deployment] = documents(path.join(deployDir, 'manager/deployment.yaml'));
    const args = deployment?.spec?.template?.spec?.containers?.[0]?.args ?? [];
    expect(args).toContain('--proxy-image=localhost/ctrlmesh/proxy:0.1.0');
    const errors: string[] = [];
    const command = readCommandLine(
      args,
      { hostname: 'manager-0', pid: 1, podNamespace: 'ctrlmesh-system' },
      { out: () => undefined, err: (text) => errors.push(text) },
    );
    expect(errors).toEqual([]);
    expect('config' in command && command.config.injection.proxyImage).toBe(
      'localhost/ctrlmesh/proxy:0.1.0',
    );
  });

  it('runs the manager and injects the proxy of this release', () => {
    const version = (app: string) =>
      (
        JSON.parse(
          readFileSync(path.resolve(deployDir, `../apps/${app}/package.json`), 'utf8'),
        ) as {
          version: string;
        }
      ).version;
    const text = readFileSync(path.join(deployDir, 'manager/deployment.yaml'), 'utf8');
    expect(text).toContain(`image: localhost/ctrlmesh/manager:${version('manager')}`);
    expect(text).toContain(`--proxy-image=localhost/ctrlmesh/proxy:${version('proxy')}`);
  });
});
