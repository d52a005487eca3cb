import { Worker } from 'node:worker_threads';
import type { ParseResult, VirtualApp } from '@ctrlmesh/route-engine';

/** What the worker found in a VirtualApp's text: the validation result, or why it is not YAML. */
export type WorkerVerdict =
  | { readonly kind: 'parsed'; readonly result: ParseResult<VirtualApp> }
  | { readonly kind: 'not-yaml'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

// The worker runs plain CommonJS given as text, so the same code works from src/ under vitest and
// from the bundled dist/ (a separate worker entry file would exist only after a build). It loads
// yaml and route-engine relative to this module, not to the process's cwd, and without the
// parent's execArgv: a test runner's `--conditions` would otherwise point it at TypeScript
// sources; it always gets the built packages.
const WORKER_SOURCE = `
const { createRequire } = require('node:module');
const { parentPort, workerData } = require('node:worker_threads');
const load = createRequire(workerData.from);
const { parse } = load('yaml');
const { parseVirtualApp } = load('@ctrlmesh/route-engine');
let document;
let yamlError;
try {
  document = parse(workerData.text);
} catch (error) {
  yamlError = String(error && error.message);
}
parentPort.postMessage(
  yamlError === undefined
    ? { kind: 'parsed', result: parseVirtualApp(document) }
    : { kind: 'not-yaml', message: yamlError },
);
`;

/**
 * Parses a VirtualApp's YAML (or JSON) text and validates it in a worker thread, off the event
 * loop. Measured on a generated 1 MB VirtualApp, YAML parsing (~0.6 s per MB) and validation
 * (~0.45 s per MB, mostly compiling each RE2 regex to check it) were most of a load; the result
 * is plain data, so it crosses back cheaply (~25 ms of structured clone per MB). One worker per
 * load: loads are rare, and its memory is released when it exits.
 */
export const parseInWorker = (text: string): Promise<WorkerVerdict> =>
  new Promise((resolve) => {
    let settled = false;
    const settle = (verdict: WorkerVerdict) => {
      if (settled) return;
      settled = true;
      resolve(verdict);
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { from: import.meta.url, text },
    });
    worker.once('message', (verdict: WorkerVerdict) => settle(verdict));
    worker.once('error', (error) => settle({ kind: 'failed', message: error.message }));
    worker.once('exit', (code) =>
      settle({ kind: 'failed', message: `the validating worker exited with code ${code}` }),
    );
  });
