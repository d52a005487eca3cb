/**
 * Where the webhook fronts of other subsets are: for each subset, the `https://host:port` origins of
 * its ready pods. The seam between the router and whoever knows the pods: a file today
 * (`--webhook-peers`, {@link FileWebhookPeers}), the manager later, which will list only ready pods.
 */
export interface WebhookPeers {
  /** Origins of the ready pods of `subset`, in a stable order; empty when none is known. */
  peers(subset: string): readonly string[];
}

/** A fixed peer list (tests, embedders). */
export class StaticWebhookPeers implements WebhookPeers {
  readonly #bySubset: ReadonlyMap<string, readonly string[]>;

  constructor(bySubset: Readonly<Record<string, readonly string[]>> = {}) {
    this.#bySubset = new Map(Object.entries(bySubset));
  }

  peers(subset: string): readonly string[] {
    return this.#bySubset.get(subset) ?? [];
  }
}

/** The outcome of reading a peers document. */
export type PeersParse =
  | { readonly ok: true; readonly value: Record<string, string[]> }
  | { readonly ok: false; readonly problems: string[] };

/**
 * Checks a peers document: a map from subset name (`(default)` for the default subset) to a list of
 * `https://host:port` origins. Every problem is reported, with its path.
 */
export const parsePeers = (doc: unknown): PeersParse => {
  if (doc === null || doc === undefined) return { ok: true, value: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, problems: ['the document must map subset names to lists of URLs'] };
  }
  const problems: string[] = [];
  const value: Record<string, string[]> = {};
  for (const [subset, list] of Object.entries(doc)) {
    if (!Array.isArray(list)) {
      problems.push(`${subset}: must be a list of https://host:port URLs`);
      continue;
    }
    value[subset] = [];
    list.forEach((entry, index) => {
      let url: URL | undefined;
      try {
        url = typeof entry === 'string' ? new URL(entry) : undefined;
      } catch {
        url = undefined;
      }
      if (url === undefined || url.protocol !== 'https:' || url.pathname !== '/' || url.search) {
        problems.push(
          `${subset}[${index}]: ${JSON.stringify(entry)} is not an https://host:port URL`,
        );
      } else value[subset]?.push(url.origin);
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
};
