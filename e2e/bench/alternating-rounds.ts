import type { Side } from './side.js';

/**
 * The order in which two sides run over `rounds` rounds: A B, B A, A B, ... so that slow drift of a
 * shared 2-core machine (other builds, GC, kas compaction) lands on both sides alike.
 */
export const alternatingRounds = (a: Side, b: Side, rounds: number): Side[][] =>
  Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? [a, b] : [b, a]));
