import { readFileSync } from 'node:fs';

/** Resident memory of one process over the phases of a run, in MiB. */
export interface RssByPhase {
  readonly [phase: string]: {
    readonly samples: number;
    readonly meanMiB: number;
    readonly peakMiB: number;
  };
}

/** VmRSS of `pid` in MiB from /proc (Linux), or undefined once the process is gone. */
export const readRssMiB = (pid: number): number | undefined => {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Samples VmRSS of a process every `intervalMs` and files each sample under the current phase, so
 * "idle" and "under load" come from the same run. Reading /proc costs microseconds, so sampling does
 * not disturb the load.
 */
export class RssSampler {
  private phase = 'start';
  private readonly samples = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Files the following samples under `phase` (taking one sample at once). */
  enter(phase: string): void {
    this.phase = phase;
    this.sample();
  }

  /** Stops sampling and returns mean and peak per phase. */
  stop(): RssByPhase {
    clearInterval(this.timer);
    const out: Record<string, { samples: number; meanMiB: number; peakMiB: number }> = {};
    for (const [phase, values] of this.samples) {
      out[phase] = {
        samples: values.length,
        meanMiB: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10,
        peakMiB: Math.round(Math.max(...values) * 10) / 10,
      };
    }
    return out;
  }

  private sample(): void {
    const rss = readRssMiB(this.pid);
    if (rss === undefined) return;
    const list = this.samples.get(this.phase) ?? [];
    list.push(rss);
    this.samples.set(this.phase, list);
  }
}
