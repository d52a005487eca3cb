import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import {
  type PeersParse,
  parsePeers,
  StaticWebhookPeers,
  type WebhookPeers,
} from './webhook-peers.js';

/**
 * Peers from a YAML or JSON file (`--webhook-peers`), polled for changes: the standalone source
 * until the manager feeds peers. A file that cannot be read or is invalid keeps the last good list.
 */
export class FileWebhookPeers implements WebhookPeers {
  #current: WebhookPeers = new StaticWebhookPeers();

  constructor(
    readonly file: string,
    private readonly onRejected: (problems: readonly string[]) => void,
  ) {}

  peers(subset: string): readonly string[] {
    return this.#current.peers(subset);
  }

  /** Reads the file now; keeps the last good list when it is unreadable or invalid. */
  async load(): Promise<PeersParse> {
    let result: PeersParse;
    try {
      result = parsePeers(parse(await readFile(this.file, 'utf8')));
    } catch (error) {
      result = { ok: false, problems: [(error as Error).message] };
    }
    if (result.ok) this.#current = new StaticWebhookPeers(result.value);
    else this.onRejected(result.problems);
    return result;
  }

  /**
   * Loads the file, then polls it every `intervalMs` (polling, not fs.watch: a mounted ConfigMap
   * changes by swapping a symlink). Returns what stops polling.
   */
  async watch(intervalMs = 1000): Promise<() => void> {
    await this.load();
    const listener = () => void this.load();
    watchFile(this.file, { interval: intervalMs }, listener);
    return () => unwatchFile(this.file, listener);
  }
}
