import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ratio } from './latency.js';

/** One line of the ratio table: a figure on both sides and the target it is held to. */
export interface RatioRow {
  readonly metric: string;
  readonly direct: number;
  readonly proxy: number;
  readonly unit: string;
  /** Proxy / direct. */
  readonly ratio: number;
  /** e.g. "<= 1.15" or ">= 0.9"; empty when the issue sets none. */
  readonly target: string;
  readonly met: boolean | null;
}

/** A row with its ratio and whether it meets `target` (`<= x`: at most; `>= x`: at least). */
export const row = (
  metric: string,
  direct: number,
  proxy: number,
  unit: string,
  target = '',
): RatioRow => {
  const r = ratio(proxy, direct);
  const [op, bound] = target.split(' ');
  const met =
    target === '' || Number.isNaN(r) ? null : op === '<=' ? r <= Number(bound) : r >= Number(bound);
  return { metric, direct, proxy, unit, ratio: r, target, met };
};

const cell = (value: number): string =>
  Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);

/** The ratio table as aligned text (also valid Markdown). */
export const formatTable = (rows: readonly RatioRow[]): string => {
  const lines = [
    ['metric', 'direct', 'proxy', 'unit', 'proxy/direct', 'target', 'met'],
    ...rows.map((r) => [
      r.metric,
      cell(r.direct),
      cell(r.proxy),
      r.unit,
      Number.isNaN(r.ratio) ? '-' : r.ratio.toFixed(2),
      r.target || '-',
      r.met === null ? '-' : r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  const format = (line: string[]) =>
    `| ${line.map((text, i) => text.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    format(lines[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.slice(1).map(format),
  ].join('\n');
};

/** Where every benchmark writes its figures and profiles (git-ignored). */
export const RESULTS_DIR = path.join(import.meta.dirname, 'bench-results');

/** Writes `result` to `bench-results/<name>-<timestamp>.json` and returns the file's path. */
export async function writeResult(name: string, result: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(
    RESULTS_DIR,
    `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
