import { enableCompileCache } from 'node:module';

// Start-up is most of an offline command's time, and most of start-up is compiling the bundle:
// Node's on-disk compile cache (in the OS temp dir) makes every run after the first skip it.
// It must be on before the bundle loads, hence this tiny entry and a dynamic import.
enableCompileCache?.();
await import('./run.js');
