// A hash trie: each level reads five bits of a key's 32-bit hash; a branch keeps only the slots in
// use (a bitmap says which), each slot a key or a deeper branch. Past the last level keys whose
// hashes are equal sit together in one bucket.
const BITS = 5;
const LAST_SHIFT = 30;

/** A bucket of keys whose 32-bit hashes are equal. */
interface Bucket {
  readonly keys: readonly string[];
}

interface Branch {
  readonly bitmap: number;
  readonly slots: readonly Slot[];
}

type Slot = string | Branch | Bucket;

const EMPTY: Branch = { bitmap: 0, slots: [] };

// FNV-1a over UTF-16 code units: cheap, and spread well enough for "namespace/name" keys.
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

const popcount = (n: number): number => {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
};

const isBucket = (slot: Slot): slot is Bucket => typeof slot !== 'string' && 'keys' in slot;

const withSlot = (slots: readonly Slot[], index: number, slot: Slot): Slot[] => {
  const copy = slots.slice();
  copy[index] = slot;
  return copy;
};

const has = (node: Slot, key: string, hash: number, shift: number): boolean => {
  if (typeof node === 'string') return node === key;
  if (isBucket(node)) return node.keys.includes(key);
  const bit = 1 << ((hash >>> shift) & 31);
  if ((node.bitmap & bit) === 0) return false;
  return has(node.slots[popcount(node.bitmap & (bit - 1))] as Slot, key, hash, shift + BITS);
};

// A slot holding both `a` and `b` (different keys), at `shift`.
const pair = (a: string, hashA: number, b: string, hashB: number, shift: number): Slot => {
  if (shift > LAST_SHIFT) return { keys: [a, b] };
  const bitA = (hashA >>> shift) & 31;
  const bitB = (hashB >>> shift) & 31;
  if (bitA === bitB) {
    return { bitmap: 1 << bitA, slots: [pair(a, hashA, b, hashB, shift + BITS)] };
  }
  return {
    bitmap: (1 << bitA) | (1 << bitB),
    slots: bitA < bitB ? [a, b] : [b, a],
  };
};

const add = (node: Slot, key: string, hash: number, shift: number): Slot => {
  if (typeof node === 'string') {
    return node === key ? node : pair(node, hashOf(node), key, hash, shift);
  }
  if (isBucket(node)) return node.keys.includes(key) ? node : { keys: [...node.keys, key] };
  const bit = 1 << ((hash >>> shift) & 31);
  const index = popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    const slots = node.slots.slice();
    slots.splice(index, 0, key);
    return { bitmap: node.bitmap | bit, slots };
  }
  const child = node.slots[index] as Slot;
  const next = add(child, key, hash, shift + BITS);
  return next === child ? node : { bitmap: node.bitmap, slots: withSlot(node.slots, index, next) };
};

// Undefined when nothing is left; a branch left with one key gives the key up to its parent, so a
// removal frees the branches it emptied.
const remove = (node: Slot, key: string, hash: number, shift: number): Slot | undefined => {
  if (typeof node === 'string') return node === key ? undefined : node;
  if (isBucket(node)) {
    if (!node.keys.includes(key)) return node;
    const keys = node.keys.filter((k) => k !== key);
    return keys.length === 1 ? keys[0] : { keys };
  }
  const bit = 1 << ((hash >>> shift) & 31);
  if ((node.bitmap & bit) === 0) return node;
  const index = popcount(node.bitmap & (bit - 1));
  const child = node.slots[index] as Slot;
  const next = remove(child, key, hash, shift + BITS);
  if (next === child) return node;
  if (next === undefined) {
    if (node.slots.length === 1) return undefined;
    const slots = node.slots.slice();
    slots.splice(index, 1);
    const rest = { bitmap: node.bitmap & ~bit, slots };
    return slots.length === 1 && typeof slots[0] === 'string' && shift > 0 ? slots[0] : rest;
  }
  if (node.slots.length === 1 && typeof next === 'string' && shift > 0) return next;
  return { bitmap: node.bitmap, slots: withSlot(node.slots, index, next) };
};

function* keysOf(node: Slot): Generator<string> {
  if (typeof node === 'string') yield node;
  else if (isBucket(node)) yield* node.keys;
  else for (const slot of node.slots) yield* keysOf(slot);
}

// The trie of distinct `keys` (with their `hashes`) at `shift`, built bottom-up in one pass.
const build = (keys: readonly string[], hashes: readonly number[], shift: number): Slot => {
  if (keys.length === 1 && shift > 0) return keys[0] as string;
  if (shift > LAST_SHIFT) return { keys };
  const groups: { keys: string[]; hashes: number[] }[] = [];
  let bitmap = 0;
  for (let i = 0; i < keys.length; i++) {
    const hash = hashes[i] as number;
    const bit = (hash >>> shift) & 31;
    bitmap |= 1 << bit;
    const group = groups[bit] ?? { keys: [], hashes: [] };
    groups[bit] = group;
    group.keys.push(keys[i] as string);
    group.hashes.push(hash);
  }
  const slots: Slot[] = [];
  for (const group of groups) {
    if (group !== undefined) slots.push(build(group.keys, group.hashes, shift + BITS));
  }
  return { bitmap, slots };
};

// Removals below the root pass a lone key up, never past it: what is left at the root is a branch.
const asRoot = (slot: Slot | undefined): Branch => (slot === undefined ? EMPTY : (slot as Branch));

/**
 * An immutable set of object keys ("namespace/name") in a hash trie: `add` and `delete` copy only
 * the path to the key changed (at most seven branches of at most 32 slots), so sets that differ by
 * a few keys share everything else. This is what lets the proxy keep what a client held at many
 * positions for the memory of one set plus the changes between them (`watch-seeds.ts`).
 */
export class KeySet implements Iterable<string> {
  /** The empty set. */
  static readonly empty = new KeySet(EMPTY, 0);

  readonly #root: Branch;
  /** How many keys the set holds. */
  readonly size: number;

  private constructor(root: Branch, size: number) {
    this.#root = root;
    this.size = size;
  }

  /** The set of `keys` (duplicates count once). */
  static of(keys: Iterable<string>): KeySet {
    const distinct = [...new Set(keys)];
    if (distinct.length === 0) return KeySet.empty;
    return new KeySet(build(distinct, distinct.map(hashOf), 0) as Branch, distinct.length);
  }

  /** Whether the set holds `key`. */
  has(key: string): boolean {
    return has(this.#root, key, hashOf(key), 0);
  }

  /** This set with `key`; this very set when it already holds it. */
  add(key: string): KeySet {
    const root = add(this.#root, key, hashOf(key), 0);
    return root === this.#root ? this : new KeySet(root as Branch, this.size + 1);
  }

  /** This set without `key`; this very set when it does not hold it. */
  delete(key: string): KeySet {
    const root = remove(this.#root, key, hashOf(key), 0);
    return root === this.#root ? this : new KeySet(asRoot(root), this.size - 1);
  }

  /** The set holding exactly `keys`, built from this one so that both share what they have in common. */
  becoming(keys: ReadonlySet<string>): KeySet {
    // Nothing to share: one pass instead of a path copied per key.
    if (this.size === 0) return KeySet.of(keys);
    let set: KeySet = this;
    for (const key of this) if (!keys.has(key)) set = set.delete(key);
    for (const key of keys) set = set.add(key);
    return set;
  }

  [Symbol.iterator](): Iterator<string> {
    return keysOf(this.#root);
  }

  /**
   * Counts the slots and nodes reachable from `sets` that are not in `seen` yet, adding them to it:
   * what they cost together, shared parts counted once (for tests of the memory bound).
   */
  static footprint(sets: Iterable<KeySet>, seen = new Set<object>()): number {
    let count = 0;
    const visit = (node: Branch | Bucket): void => {
      if (seen.has(node)) return;
      seen.add(node);
      if (isBucket(node)) {
        count += 1 + node.keys.length;
        return;
      }
      count += 1 + node.slots.length;
      for (const slot of node.slots) if (typeof slot !== 'string') visit(slot);
    };
    for (const set of sets) visit(set.#root);
    return count;
  }
}
