import { run } from './run.js';

// Debian packages the image build runs: buildah (images without a daemon), mmdebstrap (the
// root filesystem) and binutils (strip).
const TOOLS = [
  { command: 'buildah', debianPackage: 'buildah' },
  { command: 'mmdebstrap', debianPackage: 'mmdebstrap' },
  { command: 'strip', debianPackage: 'binutils' },
] as const;

const present = (command: string) =>
  run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );

/**
 * Makes sure the image tools are installed. On a Debian machine where this runs as root (the
 * project's machines and CI), missing ones are installed with apt-get, so that `npm test` works on
 * a fresh clone as the README promises; elsewhere the error says what to install.
 */
export const ensureImageTools = async (): Promise<void> => {
  const missing: string[] = [];
  for (const tool of TOOLS) if (!(await present(tool.command))) missing.push(tool.debianPackage);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && (await present('apt-get'));
  if (!canInstall) {
    throw new Error(
      `building images needs these Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})`,
    );
  }
  console.log(`installing ${missing.join(' ')} with apt-get, for the image build`);
  await run('apt-get', ['update', '-qq']);
  await run('apt-get', ['install', '-y', '-qq', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
};
