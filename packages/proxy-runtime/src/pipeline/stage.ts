import type { Exchange, ProxyResponse } from './exchange.js';

/** Handles an exchange and resolves with the response to send back. */
export type Handler<E extends Exchange = Exchange> = (exchange: E) => Promise<ProxyResponse>;

/**
 * Wraps the next handler. `In` is what the stage needs from earlier stages; `Out` is what it hands on
 * (a stage that learns something, e.g. the request's target, adds it to the exchange it passes on).
 */
export type Stage<In extends Exchange = Exchange, Out extends Exchange = In> = (
  next: Handler<Out>,
) => Handler<In>;

// biome-ignore lint/suspicious/noExplicitAny: a list of stages narrows the exchange step by step; `chain` checks each step.
type AnyStage = Stage<any, any>;

/**
 * Folds stages around a terminal handler. Unlike undici's `dispatcher.compose`, the list reads in the
 * order a request meets the stages: the FIRST stage sees the request first (and the response last);
 * `terminal` sees it last. `stage.test.ts` proves the order.
 */
export const compose = <E extends Exchange>(
  stages: readonly AnyStage[],
  // biome-ignore lint/suspicious/noExplicitAny: the terminal's needs are checked by `chain`.
  terminal: Handler<any>,
): Handler<E> => stages.reduceRight<Handler<E>>((next, stage) => stage(next), terminal);

/** A typed list of stages under construction: each stage must accept what the previous one hands on. */
export interface Chain<In extends Exchange, Cur extends Exchange> {
  /** Appends a stage that needs `Cur` (or less) from the stages before it. */
  use<Next extends Exchange>(stage: Stage<Cur, Next>): Chain<In, Next>;
  /** Closes the chain with the terminal handler and composes it (first stage sees requests first). */
  to(terminal: Handler<Cur>): Handler<In>;
}

/**
 * Starts a typed chain: `chain<Exchange>().use(a).use(b).to(terminal)`. Putting a stage before the
 * one that supplies what it needs does not compile (the role linkerd's `Param<T>` bounds play).
 */
export const chain = <In extends Exchange>(): Chain<In, In> => build<In, In>([]);

const build = <In extends Exchange, Cur extends Exchange>(
  stages: readonly AnyStage[],
): Chain<In, Cur> => ({
  use: <Next extends Exchange>(stage: Stage<Cur, Next>) => build<In, Next>([...stages, stage]),
  to: (terminal) => compose<In>(stages, terminal),
});
