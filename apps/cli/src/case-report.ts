import { stringify } from 'yaml';
import type { Palette } from './colour.js';
import type { CaseResult } from './run-cases.js';

const counts = (results: readonly CaseResult[]): { passed: number; failed: number } => {
  const failed = results.filter((r) => !r.passed).length;
  return { passed: results.length - failed, failed };
};

/** The closing line of every format but JUnit: `4 passed, 1 failed`. */
export const summaryLine = (results: readonly CaseResult[]): string => {
  const { passed, failed } = counts(results);
  return `${passed} passed, ${failed} failed`;
};

/** For people: cases grouped by file, failures with their reasons. */
export const humanReport = (results: readonly CaseResult[], palette: Palette): string => {
  const lines: string[] = [];
  let file: string | undefined;
  for (const result of results) {
    if (result.file !== file) {
      file = result.file;
      lines.push(palette.strong(file));
    }
    if (result.passed) {
      lines.push(`  ${palette.ok('✓')} ${result.name}`);
      continue;
    }
    lines.push(`  ${palette.bad('✗')} ${result.name}`);
    for (const failure of result.failures) lines.push(`      ${palette.bad(failure)}`);
    for (const reason of result.reasons) lines.push(`      ${palette.note(reason)}`);
  }
  const { failed } = counts(results);
  const summary = summaryLine(results);
  lines.push(failed > 0 ? palette.bad(summary) : palette.ok(summary));
  return `${lines.join('\n')}\n`;
};

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/** TAP version 14: one test point per case, a YAML diagnostic block for each failure. */
export const tapReport = (results: readonly CaseResult[]): string => {
  const lines = ['TAP version 14', `1..${results.length}`];
  results.forEach((result, i) => {
    // `#` starts a directive in TAP and a newline ends the point: keep names on one plain line.
    const name = `${result.file}: ${result.name}`.replaceAll('#', '\\#').replaceAll('\n', ' ');
    lines.push(`${result.passed ? 'ok' : 'not ok'} ${i + 1} - ${name}`);
    if (!result.passed) {
      const diagnostic = {
        failures: result.failures,
        actual: result.actual,
        reasons: result.reasons,
      };
      lines.push('  ---', indent(stringify(diagnostic), '  '), '  ...');
    }
  });
  lines.push(`# ${summaryLine(results)}`);
  return `${lines.join('\n')}\n`;
};

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold. */
export const escapeXml = (text: string): string =>
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what XML forbids.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

/** JUnit XML, the format CI systems read: one testsuite per cases file. */
export const junitReport = (results: readonly CaseResult[]): string => {
  const files = [...new Set(results.map((r) => r.file))];
  const total = counts(results);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ctrlmesh test" tests="${results.length}" failures="${total.failed}">`,
  ];
  for (const file of files) {
    const suite = results.filter((r) => r.file === file);
    lines.push(
      `  <testsuite name="${escapeXml(file)}" tests="${suite.length}" failures="${counts(suite).failed}">`,
    );
    for (const result of suite) {
      const open = `    <testcase name="${escapeXml(result.name)}" classname="${escapeXml(file)}"`;
      if (result.passed) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(
        `${open}>`,
        `      <failure message="${escapeXml(result.failures.join('; '))}">${escapeXml(
          [...result.failures, ...result.reasons].join('\n'),
        )}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
};
