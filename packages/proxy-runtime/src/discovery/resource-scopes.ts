import { readFile } from 'node:fs/promises';
import type { Pool } from 'undici';
import { logRecord } from '../observe/channels.js';

/** Whether a resource is namespaced, as discovery says; undefined while unknown. */
export interface ResourceScopes {
  namespaced(group: string, version: string, resource: string): Promise<boolean | undefined>;
}

interface ApiResourceList {
  readonly resources?: readonly { readonly name: string; readonly namespaced: boolean }[];
}

/**
 * Discovery of one group/version at a time, read with the proxy's own credential and cached
 * (a failed read is retried on the next request, after `retryMs`). Only needed to tell a list across
 * all namespaces from a list of a cluster-scoped resource, which the path alone cannot.
 */
export class DiscoveredResourceScopes implements ResourceScopes {
  readonly #pool: Pool;
  readonly #tokenFile: string;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #known = new Map<string, Promise<ReadonlyMap<string, boolean> | undefined>>();
  readonly #failedAt = new Map<string, number>();

  constructor(options: { pool: Pool; tokenFile: string; retryMs?: number; now?: () => number }) {
    this.#pool = options.pool;
    this.#tokenFile = options.tokenFile;
    this.#retryMs = options.retryMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async namespaced(group: string, version: string, resource: string): Promise<boolean | undefined> {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const failed = this.#failedAt.get(path);
    if (failed !== undefined && this.#now() - failed < this.#retryMs) return undefined;
    let known = this.#known.get(path);
    if (known === undefined || failed !== undefined) {
      this.#failedAt.delete(path);
      known = this.#read(path);
      this.#known.set(path, known);
    }
    return (await known)?.get(resource);
  }

  async #read(path: string): Promise<ReadonlyMap<string, boolean> | undefined> {
    try {
      const token = (await readFile(this.#tokenFile, 'utf8')).trim();
      const response = await this.#pool.request({
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new Error(`discovery of ${path} answered ${response.statusCode}`);
      }
      const list = (await response.body.json()) as ApiResourceList;
      return new Map((list.resources ?? []).map((r) => [r.name, r.namespaced]));
    } catch (error) {
      this.#failedAt.set(path, this.#now());
      logRecord.publish({
        level: 'warn',
        msg: 'discovery failed; lists are filtered without injection',
        path,
        error: String(error),
      });
      return undefined;
    }
  }
}

/** Fixed scopes (tests, and proxies without a credential: nothing is known, nothing injected). */
export class StaticResourceScopes implements ResourceScopes {
  readonly #namespaced: ReadonlyMap<string, boolean>;

  constructor(namespaced: Readonly<Record<string, boolean>> = {}) {
    this.#namespaced = new Map(Object.entries(namespaced));
  }

  async namespaced(
    group: string,
    _version: string,
    resource: string,
  ): Promise<boolean | undefined> {
    return this.#namespaced.get(group === '' ? resource : `${resource}.${group}`);
  }
}
