import path from 'node:path';
import {
  type CapturedProcess,
  type CapturedResult,
  startCapturedNode,
} from './captured-process.js';

/** The built `ctrlmesh` (apps/cli, `npm run build`), run as users run it. */
export const ctrlmeshBinary = path.resolve(import.meta.dirname, '../../apps/cli/dist/main.js');

/** How a `ctrlmesh` run ended. */
export type CtrlmeshResult = CapturedResult;

/** A `ctrlmesh` still running (`status --watch`): its output so far, and a way to stop it. */
export type CtrlmeshProcess = CapturedProcess;

/**
 * Starts the built `ctrlmesh` with `args`, its stdout a pipe (not a terminal), with `env` on
 * top of a clean environment: no inherited KUBECONFIG or NO_COLOR, HOME where no kubeconfig is.
 */
export function startCtrlmesh(
  args: readonly string[],
  env: Record<string, string> = {},
): CtrlmeshProcess {
  return startCapturedNode([ctrlmeshBinary, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: path.join(import.meta.dirname, 'no-home'), ...env },
  });
}

/** Runs the built `ctrlmesh` with `args` to the end (see {@link startCtrlmesh}). */
export function runCtrlmesh(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CtrlmeshResult> {
  return startCtrlmesh(args, env).exited;
}
