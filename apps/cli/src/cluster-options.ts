import type { Command } from 'commander';

/** Adds kubectl's `--kubeconfig`, `--context` and `-n, --namespace` to a command. */
export const addClusterOptions = (command: Command, namespaceHelp: string): Command =>
  command
    .option(
      '--kubeconfig <file>',
      'the kubeconfig file to use (default: the files of $KUBECONFIG, else ~/.kube/config)',
    )
    .option('--context <name>', 'the kubeconfig context to use (default: its current context)')
    .option('-n, --namespace <ns>', namespaceHelp);
