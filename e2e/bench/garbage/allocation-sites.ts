/** A node of V8's sampling heap profile (`HeapProfiler.stopSampling`). */
export interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: SamplingNode[];
}

/** Bytes sampled at one allocation site, named by its frame and up to `depth - 1` callers. */
export interface AllocationSite {
  readonly stack: string;
  readonly bytes: number;
}

const frameName = ({ callFrame: f }: SamplingNode): string =>
  `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;

/** The profile's bytes by allocation site, largest first, and their total. */
export function allocationSites(
  head: SamplingNode,
  depth: number,
): { total: number; sites: AllocationSite[] } {
  const bytes = new Map<string, number>();
  const visit = (node: SamplingNode, callers: readonly string[]) => {
    const stack = [frameName(node), ...callers].slice(0, depth);
    if (node.selfSize > 0) {
      const key = stack.join(' < ');
      bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) visit(child, stack);
  };
  visit(head, []);
  const sites = [...bytes].map(([stack, n]) => ({ stack, bytes: n }));
  sites.sort((a, b) => b.bytes - a.bytes);
  return { total: sites.reduce((sum, site) => sum + site.bytes, 0), sites };
}
