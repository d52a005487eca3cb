import type { CliIo } from '../cli-io.js';

/** One line of progress on stderr while the command waits. */
export interface ProgressLine {
  /** Shows `text` as the current state of the wait. */
  show(text: string): void;
  /** Takes the line away (on a terminal), before other output is written. */
  clear(): void;
}

/**
 * Progress on stderr: on a terminal one line redrawn in place (cut to the terminal's width, so
 * it never wraps and leaves rows behind); otherwise a plain line each time the text changes,
 * which a log or CI output keeps readable.
 */
export const progressLine = (io: Pick<CliIo, 'err' | 'stderrIsTTY' | 'columns'>): ProgressLine => {
  let last: string | undefined;
  let drawn = false;
  return {
    show: (text) => {
      if (text === last) return;
      last = text;
      if (!io.stderrIsTTY) {
        io.err(`${text}\n`);
        return;
      }
      const width = io.columns !== undefined && io.columns > 1 ? io.columns - 1 : undefined;
      const shown =
        width !== undefined && text.length > width ? `${text.slice(0, width - 1)}…` : text;
      // CR to the line's start, CSI K to erase what a longer text left.
      io.err(`\r\u001b[K${shown}`);
      drawn = true;
    },
    clear: () => {
      if (drawn) io.err('\r\u001b[K');
      drawn = false;
      last = undefined;
    },
  };
};
