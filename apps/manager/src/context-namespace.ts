import { KubeConfig } from '@kubernetes/client-node';

/**
 * The namespace of the current context of the kubeconfig `file` (kubectl's default namespace), or
 * undefined when it names none or the file cannot be read: `main` loads the file again right after
 * and reports what is wrong with it there.
 */
export const contextNamespace = (file: string): string | undefined => {
  try {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(file);
    return kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace || undefined;
  } catch {
    return undefined;
  }
};
