/** What a teardown step reports: lines worth telling (e.g. a process that had to be killed). */
export type UndoReport = string[] | undefined;

/**
 * What to undo at the end, newest first (controllers and proxies before the apiserver), each step
 * attempted even when an earlier one failed.
 */
export class Teardown {
  readonly #steps: { what: string; undo: () => Promise<UndoReport> }[] = [];

  /** Registers `undo`, described by `what` in the problems `run` reports. */
  add(what: string, undo: () => Promise<UndoReport>): void {
    this.#steps.push({ what, undo });
  }

  /** Runs every registered step once, newest first: what they reported, and what failed. */
  async run(): Promise<{ reports: string[]; problems: string[] }> {
    const reports: string[] = [];
    const problems: string[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        reports.push(...((await step.undo()) ?? []));
      } catch (error) {
        problems.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { reports, problems };
  }
}
