import { readFile } from 'node:fs/promises';
import { type Clock, systemClock } from '@ctrlmesh/runtime-support';
import type { Pool } from 'undici';
import { logRecord } from '../observe/channels.js';

/** How the proxy reads the apiserver with its own credential (never the controller's). */
export interface OwnCredentialOptions {
  /** For lists and single reads. */
  readonly pool: Pool;
  /** For watches, which hold their connection: the upstream's long-running pool (issue 9). */
  readonly watchPool: Pool;
  /** The proxy's own bearer token file, re-read on each request (projected tokens rotate). */
  readonly tokenFile: string;
  /** What it waits on between reconnects; the system clock by default, tests advance their own. */
  readonly clock?: Clock;
}

/** The headers of a request made with the proxy's own token, read now (it rotates). */
export const ownCredentialHeaders = async (
  tokenFile: string,
  accept = 'application/json',
): Promise<Record<string, string>> => {
  const token = (await readFile(tokenFile, 'utf8')).trim();
  return { authorization: `Bearer ${token}`, accept };
};

/** An object as a list or watch carries it: only its metadata is read here. */
export interface ListedObject {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
}

/** What a {@link listThenWatch} tells its owner. */
export interface ListWatchHandlers<T extends ListedObject> {
  /** The whole collection, from a (re)list: what is not in it is gone. */
  replace(items: readonly T[]): void;
  /** One change seen by the watch. */
  change(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
}

/** One collection to list, then watch. */
export interface ListWatchTarget {
  /** The collection's path, e.g. `/api/v1/namespaces`. */
  readonly path: string;
  /** Extra query parameters of both the list and the watch (label or field selectors). */
  readonly query?: Readonly<Record<string, string>>;
  /** Names it in logs and errors: `namespace` gives "namespace watch failed; retrying". */
  readonly what: string;
}

/** The wait before reconnect attempt `attempt` (from 0): doubling from 100 ms, at most 5 s. */
const backoffMs = (attempt: number): number => Math.min(5_000, 100 * 2 ** attempt);

const gone = (message: string, isGone: boolean): Error =>
  Object.assign(new Error(message), { gone: isGone });

const list = async <T extends ListedObject>(
  target: ListWatchTarget,
  options: OwnCredentialOptions,
  handlers: ListWatchHandlers<T>,
  signal: AbortSignal,
): Promise<string> => {
  const query = new URLSearchParams(target.query);
  const search = query.size > 0 ? `?${query}` : '';
  const response = await options.pool.request({
    method: 'GET',
    path: `${target.path}${search}`,
    headers: await ownCredentialHeaders(options.tokenFile),
    signal,
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`listing ${target.what}s answered ${response.statusCode}`);
  }
  const body = (await response.body.json()) as {
    metadata?: { resourceVersion?: string };
    items?: T[];
  };
  handlers.replace(body.items ?? []);
  return body.metadata?.resourceVersion ?? '';
};

const watch = async <T extends ListedObject>(
  target: ListWatchTarget,
  options: OwnCredentialOptions,
  handlers: ListWatchHandlers<T>,
  from: string,
  signal: AbortSignal,
): Promise<string> => {
  const query = new URLSearchParams({
    ...target.query,
    watch: 'true',
    allowWatchBookmarks: 'true',
    resourceVersion: from,
  });
  const response = await options.watchPool.request({
    method: 'GET',
    path: `${target.path}?${query}`,
    headers: await ownCredentialHeaders(options.tokenFile),
    signal,
    bodyTimeout: 0,
  });
  if (response.statusCode === 410) {
    await response.body.dump();
    throw gone(`${target.what} watch expired`, true);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`watching ${target.what}s answered ${response.statusCode}`);
  }
  let resourceVersion = from;
  let rest = '';
  for await (const chunk of response.body) {
    rest += chunk.toString();
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as { type: string; object: T & { code?: number } };
      if (event.type === 'ERROR') {
        throw gone(`${target.what} watch error event`, event.object.code === 410);
      }
      resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
      if (event.type === 'BOOKMARK' || event.object.metadata?.name === undefined) continue;
      if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
        handlers.change(event.type, event.object);
      }
    }
  }
  return resourceVersion;
};

/**
 * Keeps a collection in view with the proxy's own credential until `signal` aborts: lists, then
 * watches from the list's resourceVersion; re-lists on 410; reconnects after any failure with a
 * backoff doubling from 100 ms to 5 s, reset by a good list. The shared loop of every
 * apiserver-backed part (namespace labels, the cluster route source). A shutdown also ends a wait
 * between reconnects (issue 13: that wait once held a shutdown for up to 5 s).
 */
export const listThenWatch = async <T extends ListedObject>(
  target: ListWatchTarget,
  options: OwnCredentialOptions,
  handlers: ListWatchHandlers<T>,
  signal: AbortSignal,
): Promise<void> => {
  const clock = options.clock ?? systemClock;
  let attempt = 0;
  let resourceVersion: string | undefined;
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined)
        resourceVersion = await list(target, options, handlers, signal);
      attempt = 0;
      resourceVersion = await watch(target, options, handlers, resourceVersion, signal);
    } catch (error) {
      if (signal.aborted) return;
      if ((error as { gone?: boolean }).gone) resourceVersion = undefined;
      logRecord.publish({
        level: 'warn',
        msg: `${target.what} watch failed; retrying`,
        error: String(error),
      });
      await clock.sleep(backoffMs(attempt++), signal);
    }
  }
};
