/**
 * Balances reviews over the pods of a subset: each call starts one position further (round robin),
 * and the rest of the list follows in order, to fail over to. The original always picked the first
 * endpoint and never failed over (reference §10.2 item 17).
 */
export class PeerRotation {
  readonly #next = new Map<string, number>();

  /** `peers` rotated to this call's starting position for `subset`. */
  order(subset: string, peers: readonly string[]): string[] {
    if (peers.length === 0) return [];
    const start = (this.#next.get(subset) ?? 0) % peers.length;
    this.#next.set(subset, start + 1);
    return [...peers.slice(start), ...peers.slice(0, start)];
  }
}
