import { reply, type HandlerResult } from "../reply.js";
import { closestExamples, exampleCatalogue } from "../example-catalogue.js";
import { courtesyOf } from "./courtesy.js";
import type { Stage, Turn } from "./pipeline.js";

/** The message is for the bot: a direct chat, a mention, or the bot's name at its start (`督办：任务6进度`). */
export function addressedToBot({ msg, interpretation }: Turn): boolean {
  return msg.isDirect || msg.mentionsBot || interpretation.addressed;
}

/**
 * "没看懂…" where the message was for the bot, with the three example sentences closest to what was written (issue 25);
 * in a group room, chatter gets nothing.
 */
export function notUnderstood(turn: Turn): HandlerResult {
  // `多谢`, `辛苦了` in a direct chat: a short courteous answer; `好的`, `收到`: nothing. Never "没看懂".
  const courtesy = turn.msg.isDirect ? courtesyOf(turn.interpretation.text) : null;
  if (courtesy) return { replies: courtesy === "thanks" ? [reply([turn.deps.t.courtesy.thanks])] : [], interpretation: turn.interpretation };
  if (!addressedToBot(turn)) return { replies: [], interpretation: turn.interpretation };
  const { t, commands, lang } = turn.deps;
  const examples = closestExamples(exampleCatalogue(commands, lang), turn.interpretation.text);
  return { replies: [reply([t.askInstead.notUnderstood, ...examples.map(t.askInstead.example), t.askInstead.help])], interpretation: turn.interpretation };
}

/** A message the interpreter reads as no command, or as one only unlikely, is not understood. */
export const understood: Stage<Turn> = async (turn, next) => {
  if (!turn.command || turn.interpretation.confidence === "unlikely") return notUnderstood(turn);
  return next();
};
