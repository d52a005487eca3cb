/** One image this project ships: which app it runs and how it is named. */
export interface ImageSpec {
  /** `ctrlmesh/<name>`, and the OCI archive `<name>.oci.tar`. */
  readonly name: string;
  /** The app's workspace folder, relative to the repository root. */
  readonly appDir: string;
  /** Environment the image sets for its process. */
  readonly env: Readonly<Record<string, string>>;
}

/** The images `npm run images` builds. */
export const IMAGES: readonly ImageSpec[] = [
  {
    name: 'proxy',
    appDir: 'apps/proxy',
    // glibc returns freed large buffers to the OS at once above this size (proxy README, Memory).
    env: { MALLOC_MMAP_THRESHOLD_: '131072' },
  },
  {
    // The control plane; deploy/manager/deployment.yaml runs it.
    name: 'manager',
    appDir: 'apps/manager',
    env: {},
  },
];
