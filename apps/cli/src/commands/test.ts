import { type Command, Option } from 'commander';
import { humanReport, junitReport, tapReport } from '../case-report.js';
import { readCasesFile } from '../cases-file.js';
import { type CommandContext, examplesText } from '../command-context.js';
import { EXIT } from '../exit-code.js';
import { loadVirtualApp } from '../load-virtual-app.js';
import { type CaseResult, runCasesFile } from '../run-cases.js';

/** `test -f VAPP CASES...`: declarative ownership cases, like `opa test` for policies. */
export const registerTest = (program: Command, context: CommandContext): void => {
  program
    .command('test')
    .summary('run declarative ownership cases against a VirtualApp')
    .description(
      'run declarative cases (given namespaces, objects, pods and requests; expect an owner, exclusion, public, or a decision) against a VirtualApp',
    )
    .argument('<cases...>', 'cases files (YAML or JSON); see apps/cli/README.md for the format')
    .requiredOption('-f, --file <vapp>', 'the VirtualApp under test')
    .addOption(
      new Option('-o, --output <format>', 'output format: text for people, tap or junit for CI')
        .choices(['text', 'tap', 'junit'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `\nA cases file:

  given:
    namespaces:                     # name: labels
      canary-a: { ns-type: canary }
    objects:                        # Kubernetes objects, as kubectl prints them
      - { apiVersion: v1, kind: ConfigMap, metadata: { namespace: canary-a, name: cfg } }
  cases:
    - name: canary namespaces belong to v2
      target: configmaps/canary-a/cfg
      expect: { owner: v2 }
    - name: a stable pod may not list them
      request: GET /api/v1/namespaces/canary-a/configmaps
      pod: { version: v1 }
      expect: { decision: deny }

Exit codes: 0 every case passed, 1 a case failed, 2 usage error, 3 unusable VirtualApp or cases file.${examplesText(
        [
          ['ctrlmesh test -f vapp.yaml vapp.cases.yaml', 'run the cases, for people'],
          [
            'ctrlmesh test -f vapp.yaml cases/*.yaml -o junit > junit.xml',
            'run them in CI and keep a JUnit report',
          ],
          ['ctrlmesh test -f vapp.yaml vapp.cases.yaml -o tap', 'TAP for a TAP consumer'],
        ],
      )}`,
    )
    .action((files: string[], options: { file: string; output: 'text' | 'tap' | 'junit' }) => {
      const { io, palette } = context;
      const { routes } = loadVirtualApp(io, options.file);
      // Read every file first, so that a broken one stops the run before any report is printed.
      const suites = files.map((file) => ({ file, cases: readCasesFile(io, file) }));
      const results: CaseResult[] = suites.flatMap(({ file, cases }) =>
        runCasesFile(routes, file, cases),
      );
      io.out(
        options.output === 'tap'
          ? tapReport(results)
          : options.output === 'junit'
            ? junitReport(results)
            : humanReport(results, palette),
      );
      context.exit(results.every((r) => r.passed) ? EXIT.ok : EXIT.findings);
    });
};
