import { Worker } from 'node:worker_threads';
import { type ParseResult, parseVirtualApp, type VirtualApp } from '@ctrlmesh/route-engine';
import { parse } from 'yaml';

/** What the worker found in a VirtualApp's text: the validation result, or why it is not YAML. */
export type WorkerVerdict =
  | { readonly kind: 'parsed'; readonly result: ParseResult<VirtualApp> }
  | { readonly kind: 'not-yaml'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Reads a VirtualApp's text: YAML (or JSON) to a document, then validation. Self-contained (it
 * uses only its arguments), because the worker runs this very function from its source text.
 */
const verdictOf = (
  text: string,
  parseYaml: (text: string) => unknown,
  validate: (document: unknown) => ParseResult<VirtualApp>,
): WorkerVerdict => {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return { kind: 'not-yaml', message: String((error as Error | undefined)?.message) };
  }
  return { kind: 'parsed', result: validate(document) };
};

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
parentPort.postMessage((${verdictOf.toString()})(workerData.text, parse, parseVirtualApp));
`;

/**
 * Text up to this size is read on the event loop: about 1 ms of CPU per KB, so at most ~16 ms,
 * less than a worker costs just to start (~150 ms, loading yaml and route-engine each time).
 * Typical VirtualApps are a few KB, so a route change costs a few ms of CPU and no worker.
 */
export const INLINE_PARSE_MAX_BYTES = 16 * 1024;

/** Reads a VirtualApp's text here, on the event loop: for small texts only. */
export const parseHere = (text: string): WorkerVerdict => verdictOf(text, parse, parseVirtualApp);

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
