import type { z } from "zod";
import type { Clock } from "./clock.js";
import type { Directory } from "../directory/directory.js";
import type { Catalogue, Lang } from "./i18n/index.js";
import type { Inbound } from "./inbound.js";
import type { Repositories } from "./model.js";
import type { HandlerResult } from "./reply.js";
import type { LightThresholds } from "./task-status.js";

/** What `提醒预览` needs from the reminder module. */
export interface ReminderPreviewPort {
  nextRun(now: Date): Promise<{ day: string; time: string; messages: { unit: string; kinds: string[]; taskNumbers: number[] }[] }>;
}

/** Everything a command may touch: repositories, the clock, the directory and i18n. No transport. */
export interface CommandContext {
  inbound: Inbound;
  clock: Clock;
  repos: Repositories;
  directory: Directory;
  t: Catalogue;
  lang: Lang;
  thresholds: LightThresholds;
  /** Every registered command, for help. */
  commands: readonly AnyCommand[];
  maxMessageLength: number;
  /** Present when reminders are configured. */
  reminders: ReminderPreviewPort | null;
}

/**
 * A chat command: metadata, a matcher that turns normalised text into raw arguments,
 * a zod schema for those arguments, and a handler that returns replies (it never sends).
 */
export interface Command<A> {
  name: string;
  /** Key of the one-line description in the catalogue's `commands` section. */
  summary: keyof Catalogue["commands"];
  /** Example phrasings shown in help, first Chinese then English. */
  examples: readonly string[];
  /**
   * Return raw arguments when the message is this command, else null.
   * `text` is normalised (see grammar.normalize); `raw` is the message as sent.
   */
  match(text: string, raw: string): unknown | null;
  args: z.ZodType<A>;
  handle(args: A, ctx: CommandContext): Promise<HandlerResult>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

/** Declare a command with its argument type inferred from the schema. */
export function defineCommand<S extends z.ZodType>(cmd: Omit<Command<z.infer<S>>, "args"> & { args: S }): Command<z.infer<S>> {
  return cmd as Command<z.infer<S>>;
}

/** A mistake by the person, told to them in their language; nothing was changed. */
export class UserError extends Error {
  constructor(readonly humanMessage: string) {
    super(humanMessage);
    this.name = "UserError";
  }
}
