import path from 'node:path';
import { run } from './run.js';

/** buildah without a daemon, as this project's machines allow it (no overlay, no user namespaces). */
export const BUILDAH_ENV = { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' } as const;

const buildah = (args: readonly string[]) => run('buildah', args, { env: BUILDAH_ENV });

/** What goes into one image. */
export interface ImageContent {
  /** `localhost/ctrlmesh/<name>:<version>`. */
  readonly reference: string;
  readonly rootfs: string;
  /** Copied to `/app`. */
  readonly appDir: string;
  readonly entrypoint: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly user: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Commits an image from scratch (the root filesystem, then the app as root-owned, read-only for
 * the image user) and writes it to `archive` as an OCI archive. Returns the archive's path.
 */
export const buildImage = async (content: ImageContent, archive: string): Promise<string> => {
  // The last build of this reference goes first, so that repeated builds do not fill the disk.
  await buildah(['rmi', '--force', content.reference]).catch(() => undefined);
  const container = (await buildah(['from', 'scratch'])).trim();
  try {
    await buildah(['copy', container, `${content.rootfs}/`, '/']);
    await buildah(['copy', '--chown', '0:0', container, `${content.appDir}/`, '/app']);
    await buildah([
      'config',
      '--user',
      `${content.user}:${content.user}`,
      '--workingdir',
      '/app',
      '--entrypoint',
      JSON.stringify(content.entrypoint),
      '--cmd',
      '',
      ...Object.entries(content.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      ...Object.entries(content.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
      container,
    ]);
    await buildah(['commit', '--rm', '--quiet', container, content.reference]);
  } catch (error) {
    await buildah(['rm', container]).catch(() => undefined);
    throw error;
  }
  await run('rm', ['-f', archive]);
  await buildah(['push', '--quiet', content.reference, `oci-archive:${path.resolve(archive)}`]);
  return archive;
};
