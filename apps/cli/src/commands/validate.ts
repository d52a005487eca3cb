import { type Command, Option } from 'commander';
import { CHECKED_KINDS, type CheckedKind, checkObject } from '../checked-object.js';
import { type CommandContext, examplesText, writeJson } from '../command-context.js';
import { type FileProblem, formatProblem, readObjects } from '../documents.js';
import { EXIT } from '../exit-code.js';
import { InputError } from '../input-error.js';

/** What validate found in one file. */
export interface ValidatedFile {
  readonly file: string;
  /** The valid objects of each kind. */
  readonly valid: Readonly<Record<CheckedKind, number>>;
  readonly problems: readonly FileProblem[];
  readonly notes: readonly FileProblem[];
}

/**
 * Checks every object of a file as the kind it says it is (VirtualApp, TrafficPolicy or
 * FaultInjection); an unreadable file throws an InputError.
 */
export const validateFile = (context: CommandContext, file: string): ValidatedFile => {
  const contents = readObjects(context.io, file);
  const checked = contents.objects.map(checkObject);
  const problems = [...contents.problems, ...checked.flatMap((c) => c.problems)];
  if (contents.objects.length === 0 && contents.problems.length === 0) {
    problems.push({ file, path: '', message: 'no document in it' });
  }
  const valid = { VirtualApp: 0, TrafficPolicy: 0, FaultInjection: 0 };
  for (const { valid: kind } of checked) if (kind !== undefined) valid[kind] += 1;
  return { file, valid, problems, notes: checked.flatMap((c) => c.notes) };
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const PLURALS: Record<CheckedKind, string> = {
  VirtualApp: 'VirtualApps',
  TrafficPolicy: 'TrafficPolicies',
  FaultInjection: 'FaultInjections',
};

/** `1 VirtualApp, 2 TrafficPolicies`: the valid objects of a file, by kind. */
const kindsText = (valid: ValidatedFile['valid']): string =>
  CHECKED_KINDS.filter((kind) => valid[kind] > 0)
    .map((kind) => `${valid[kind]} ${valid[kind] === 1 ? kind : PLURALS[kind]}`)
    .join(', ');

const printText = (context: CommandContext, results: readonly ValidatedFile[]): void => {
  const { io, palette } = context;
  for (const result of results) {
    for (const problem of result.problems) io.out(`${palette.bad(formatProblem(problem))}\n`);
    for (const note of result.notes) io.out(`${palette.note(`note: ${formatProblem(note)}`)}\n`);
    if (result.problems.length === 0) {
      io.out(`${palette.ok('ok')} ${result.file} (${kindsText(result.valid)})\n`);
    }
  }
  const problems = results.reduce((n, r) => n + r.problems.length, 0);
  const failing = results.filter((r) => r.problems.length > 0).length;
  io.out(
    problems === 0
      ? `${plural(results.length, 'file')} valid\n`
      : palette.bad(`${plural(problems, 'problem')} in ${plural(failing, 'file')}\n`),
  );
};

/** `validate FILE...`: every problem of every object, with file, document, line and path. */
export const registerValidate = (program: Command, context: CommandContext): void => {
  program
    .command('validate')
    .summary('check VirtualApp and policy files and print every problem')
    .description(
      'check VirtualApps, TrafficPolicies and FaultInjections in YAML or JSON files (any number of documents, or kubectl Lists) and print every problem with its file, document, line and path',
    )
    .argument('<file...>', 'files to check')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `\nDocuments of apiVersion ctrlmesh.kruise.io/v1alpha1 (the original project's) are accepted,
with a note on what to change. Exit codes: 0 all valid, 1 any problem, 2 usage error, 3 a file
cannot be read.${examplesText([
        ['ctrlmesh validate virtualapp.yaml', 'check one file'],
        ['ctrlmesh validate deploy/*.yaml -o json', 'check many files, for a script'],
        ['ctrlmesh validate policies/traffic.yaml', 'check TrafficPolicies and FaultInjections'],
        ['kubectl get vapp -A -o yaml | ctrlmesh validate /dev/stdin', 'check what a cluster runs'],
      ])}`,
    )
    .action((files: string[], options: { output: 'text' | 'json' }) => {
      const results: ValidatedFile[] = [];
      let unreadable = false;
      for (const file of files) {
        try {
          results.push(validateFile(context, file));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          context.io.err(`ctrlmesh: ${error.message}\n`);
          unreadable = true;
        }
      }
      if (options.output === 'json') {
        writeJson(context.io, {
          valid: results.every((r) => r.problems.length === 0) && !unreadable,
          files: results,
        });
      } else {
        printText(context, results);
      }
      const problems = results.some((r) => r.problems.length > 0);
      context.exit(unreadable ? EXIT.input : problems ? EXIT.findings : EXIT.ok);
    });
};
