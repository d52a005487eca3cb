/// <reference types="vite/client" />
import { describeExamples } from '@ctrlmesh/readme-examples';
import readme from '../README.md?raw';

// Runs every example in examples/ and checks the README shows each verbatim
// (tools/readme-examples). import.meta.glob is expanded by Vite here, in the calling file.
describeExamples({
  readme,
  sources: import.meta.glob<string>('../examples/*.ts', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
  modules: import.meta.glob('../examples/*.ts'),
});
