import { reply, type HandlerResult } from "../reply.js";
import type { Stage, Turn } from "./pipeline.js";

/** The message is for the bot: a direct chat, a mention, or the bot's name at its start (`督办：任务6进度`). */
export function addressedToBot({ msg, interpretation }: Turn): boolean {
  return msg.isDirect || msg.mentionsBot || interpretation.addressed;
}

/** "没看懂…" where the message was for the bot; in a group room, chatter gets nothing. */
export function notUnderstood(turn: Turn): HandlerResult {
  return { replies: addressedToBot(turn) ? [reply([turn.deps.t.errors.notUnderstood])] : [], interpretation: turn.interpretation };
}

/** A message the interpreter reads as no command, or as one only unlikely, is not understood. */
export const understood: Stage<Turn> = async (turn, next) => {
  if (!turn.command || turn.interpretation.confidence === "unlikely") return notUnderstood(turn);
  return next();
};
