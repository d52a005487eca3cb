import { styleText } from 'node:util';
import type { CliIo } from './cli-io.js';

/** The few styles the commands use; each returns its text unchanged when colours are off. */
export interface Palette {
  ok(text: string): string;
  bad(text: string): string;
  note(text: string): string;
  strong(text: string): string;
}

/** Colours go to terminals only, and never when `NO_COLOR` is set to anything but "" (no-color.org). */
export const coloursWanted = (io: Pick<CliIo, 'stdoutIsTTY' | 'env'>): boolean =>
  io.stdoutIsTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');

const plain = (text: string): string => text;

/** A palette for `io`: ANSI styles on a terminal, plain text everywhere else. */
export const paletteFor = (io: Pick<CliIo, 'stdoutIsTTY' | 'env'>): Palette => {
  if (!coloursWanted(io)) return { ok: plain, bad: plain, note: plain, strong: plain };
  // The decision is ours (above), so styleText must not second-guess it against a stream.
  const style =
    (format: Parameters<typeof styleText>[0]) =>
    (text: string): string =>
      styleText(format, text, { validateStream: false });
  return { ok: style('green'), bad: style('red'), note: style('dim'), strong: style('bold') };
};
