import type { Command } from 'commander';

/**
 * Adds kubectl's `--kubeconfig` and `--context` to a command, and `-n, --namespace` when the
 * command has a use for a namespace (`namespaceHelp` says which).
 */
export const addClusterOptions = (command: Command, namespaceHelp?: string): Command => {
  command
    .option(
      '--kubeconfig <file>',
      'the kubeconfig file to use (default: the files of $KUBECONFIG, else ~/.kube/config)',
    )
    .option('--context <name>', 'the kubeconfig context to use (default: its current context)');
  return namespaceHelp === undefined
    ? command
    : command.option('-n, --namespace <ns>', namespaceHelp);
};
