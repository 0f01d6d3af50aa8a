import { reply, type HandlerResult } from "../reply.js";
import { courtesyOf } from "./courtesy.js";
import type { Stage, Turn } from "./pipeline.js";

/** The message is for the bot: a direct chat, a mention, or the bot's name at its start (`督办：任务6进度`). */
export function addressedToBot({ msg, interpretation }: Turn): boolean {
  return msg.isDirect || msg.mentionsBot || interpretation.addressed;
}

/** "没看懂…" where the message was for the bot; in a group room, chatter gets nothing. */
export function notUnderstood(turn: Turn): HandlerResult {
  // `多谢`, `辛苦了` in a direct chat: a short courteous answer; `好的`, `收到`: nothing. Never "没看懂".
  const courtesy = turn.msg.isDirect ? courtesyOf(turn.interpretation.text) : null;
  if (courtesy) return { replies: courtesy === "thanks" ? [reply([turn.deps.t.courtesy.thanks])] : [], interpretation: turn.interpretation };
  return { replies: addressedToBot(turn) ? [reply([turn.deps.t.errors.notUnderstood])] : [], interpretation: turn.interpretation };
}

/** A message the interpreter reads as no command, or as one only unlikely, is not understood. */
export const understood: Stage<Turn> = async (turn, next) => {
  if (!turn.command || turn.interpretation.confidence === "unlikely") return notUnderstood(turn);
  return next();
};
