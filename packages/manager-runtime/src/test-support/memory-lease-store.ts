import {
  LeaseConflict,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from '../leader/lease-store.js';

/**
 * One Lease in memory with the apiserver's optimistic concurrency: a create of an existing Lease
 * and an update with a stale version throw {@link LeaseConflict}. `failing` makes every call
 * reject, as an unreachable apiserver would; `hanging` makes them never answer.
 */
export class MemoryLeaseStore {
  lease: StoredLease | undefined;
  failing = false;
  hanging = false;
  #version = 0;

  /** A store seen by one candidate (all candidates share the Lease). */
  view(): LeaseStore {
    return {
      get: async () => this.#call(() => this.lease),
      create: async (record) =>
        this.#call(() => {
          if (this.lease !== undefined) throw new LeaseConflict('already exists');
          return this.#write(record);
        }),
      update: async (record, version) =>
        this.#call(() => {
          if (this.lease?.version !== version) throw new LeaseConflict();
          return this.#write(record);
        }),
    };
  }

  #write(record: LeaseRecord): StoredLease {
    this.#version += 1;
    this.lease = { record, version: String(this.#version) };
    return this.lease;
  }

  #call<T>(fn: () => T): Promise<T> {
    if (this.hanging) return new Promise(() => undefined);
    if (this.failing) return Promise.reject(new Error('connection refused'));
    return Promise.resolve(fn());
  }
}
