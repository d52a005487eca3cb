import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltImage, buildProjectImages, REPO_ROOT } from './build-images.js';
import { BUILDAH_ENV } from './buildah-image.js';
import { IMAGE_USER } from './root-filesystem.js';
import { run } from './run.js';

// Every image, and one production dependency each must hold.
const RUNTIME_DEPENDENCY: Record<string, string> = { proxy: 'undici', manager: 'prom-client' };
const NAMES = Object.keys(RUNTIME_DEPENDENCY);

const buildah = (args: readonly string[]) => run('buildah', args, { env: BUILDAH_ENV });

interface ImageConfig {
  User: string;
  Entrypoint: string[];
  Env: string[];
}

// Each image is read back from its OCI archive (what a user loads) and its entrypoint run, as
// the issue asks: `--version` and `--help` answer, as the image's own user.
describe('the images npm run images builds', () => {
  let images: BuiltImage[];
  const containers = new Map<string, string>();
  const configs = new Map<string, ImageConfig>();

  beforeAll(async () => {
    images = await buildProjectImages();
    for (const image of images) {
      const container = (await buildah(['from', '--quiet', `oci-archive:${image.archive}`])).trim();
      containers.set(image.spec.name, container);
      const inspected = JSON.parse(await buildah(['inspect', container])) as {
        OCIv1: { config: ImageConfig };
      };
      configs.set(image.spec.name, inspected.OCIv1.config);
    }
  });

  afterAll(async () => {
    for (const container of containers.values()) await buildah(['rm', container]);
  });

  const entrypoint = (name: string, ...args: string[]) => {
    const config = configs.get(name) as ImageConfig;
    return buildah([
      'run',
      '--user',
      config.User,
      containers.get(name) as string,
      '--',
      ...config.Entrypoint,
      ...args,
    ]);
  };

  const version = async (appDir: string) =>
    (
      JSON.parse(await readFile(path.join(REPO_ROOT, appDir, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;

  it.each(NAMES)('%s: the entrypoint answers --version with the app version', async (name) => {
    const spec = images.find((image) => image.spec.name === name)?.spec;
    expect((await entrypoint(name, '--version')).trim()).toBe(await version(spec?.appDir ?? ''));
  });

  it('builds every image npm run images names', () => {
    expect(images.map((image) => image.spec.name)).toEqual(NAMES);
  });

  it.each(NAMES)('%s: the entrypoint answers --help with its usage', async (name) => {
    expect(await entrypoint(name, '--help')).toMatch(/^Usage: ctrlmesh-/m);
  });

  it.each(NAMES)(
    '%s: runs as a non-root user on the project Node.js, with no shell in the image',
    async (name) => {
      const config = configs.get(name) as ImageConfig;
      expect(config.User).toBe(`${IMAGE_USER.uid}:${IMAGE_USER.uid}`);
      const container = containers.get(name) as string;
      expect(
        (await buildah(['run', container, '--', '/usr/local/bin/node', '--version'])).trim(),
      ).toBe(process.version);
      await expect(buildah(['run', container, '--', '/bin/sh', '-c', 'true'])).rejects.toThrow();
    },
  );

  it.each(NAMES)('%s: holds the production dependencies only', async (name) => {
    const container = containers.get(name) as string;
    const listed = await buildah([
      'run',
      container,
      '--',
      '/usr/local/bin/node',
      '-e',
      "console.log(require('node:fs').readdirSync('/app/node_modules').join(' '))",
    ]);
    expect(listed).toContain(RUNTIME_DEPENDENCY[name]);
    expect(listed).not.toMatch(/\b(vitest|typescript|tsup|fast-check)\b/);
  });
});
