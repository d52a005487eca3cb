/**
 * The order in which sides run over `rounds` rounds, each round starting one side later: A B C,
 * B C A, C A B, ... (for two sides A B, B A), so that slow drift of a shared 2-core machine (other
 * builds, GC, kas compaction) lands on every side alike.
 */
export const rotatingRounds = <T>(sides: readonly T[], rounds: number): T[][] =>
  Array.from({ length: rounds }, (_, round) =>
    sides.map((_, i) => sides[(round + i) % sides.length]!),
  );
