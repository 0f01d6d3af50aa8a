import type { BotDeps } from "../bot-deps.js";
import type { AnyCommand } from "../command.js";
import type { Inbound, Message } from "../inbound.js";
import type { Interpretation } from "../interpreter/interpret.js";
import type { HandlerResult } from "../reply.js";

/** What a stage calls to hand the event on to the stages after it. */
export type Next = () => Promise<HandlerResult>;

/**
 * One step of a pipeline (src/core/pipeline/stages.ts): it answers, by returning a HandlerResult (replies, maybe
 * none), or hands on by returning `next()`, at most once. `C` is what the stages share.
 */
export type Stage<C> = (c: C, next: Next) => Promise<HandlerResult>;

/** An inbound event on its way in, before it is a Message: `msg` is set by the plan-code stage. */
export interface Arrival {
  readonly inbound: Inbound;
  readonly deps: BotDeps;
  msg?: Message;
}

/** A message (kind "message") in the message stages: what the interpreter made of it, and the command it names. */
export interface Turn {
  readonly msg: Message;
  readonly deps: BotDeps;
  readonly interpretation: Interpretation;
  /** The command the interpreter chose, null when none. */
  readonly command: AnyCommand | null;
}

/**
 * Run `stages` in order on `c`, as grammY's Composer and Bolt's processMiddleware do: each stage answers or calls
 * `next()` for the rest. A stage that calls `next()` twice, or a list whose every stage hands on, is a bug: it throws.
 */
export function runPipeline<C>(stages: readonly Stage<C>[], c: C): Promise<HandlerResult> {
  const from = (i: number): Promise<HandlerResult> => {
    const stage = stages[i];
    if (!stage) return Promise.reject(new Error("pipeline: every stage handed on and none answered"));
    let called = false;
    return stage(c, () => {
      if (called) return Promise.reject(new Error(`pipeline: stage ${stage.name || i} called next() twice`));
      called = true;
      return from(i + 1);
    });
  };
  return from(0);
}
