import { stat } from 'node:fs/promises';
import { buildProjectImages } from './build-images.js';

// `npm run images`: builds every image into dist/images/<name>.oci.tar (nothing is pushed).
for (const image of await buildProjectImages()) {
  const { size } = await stat(image.archive);
  console.log(`${image.reference} -> ${image.archive} (${(size / 2 ** 20).toFixed(0)} MiB)`);
}
