import { stripVTControlCharacters } from 'node:util';

/**
 * How many terminal rows `text` (newline-terminated lines) takes on a terminal `columns` wide:
 * a line longer than the terminal wraps onto more rows. Colours take no room.
 */
export const screenRows = (text: string, columns: number | undefined): number => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const width = columns !== undefined && columns > 0 ? columns : Number.POSITIVE_INFINITY;
  return lines.reduce(
    (rows, line) => rows + Math.max(1, Math.ceil(stripVTControlCharacters(line).length / width)),
    0,
  );
};

/**
 * The escape sequence that takes the cursor back to where `previous` (the last text printed)
 * began and erases from there down, so the next text is drawn in its place, as watch(1) does.
 */
export const eraseSequence = (
  previous: string | undefined,
  columns: number | undefined,
): string => {
  const rows = previous === undefined ? 0 : screenRows(previous, columns);
  // CSI n F: to the start of the line n rows up; CSI J: erase to the end of the screen.
  return rows === 0 ? '' : `\u001b[${rows}F\u001b[J`;
};
