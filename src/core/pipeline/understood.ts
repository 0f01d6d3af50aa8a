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
  const { t, commands, lang } = turn.deps;
  // The learned signal read a command that changes something (or a query missing its task): the exact command to send
  // is offered, never run on the classifier's word (ask-instead.ts). Only set where the message is for the bot.
  const suggest = turn.interpretation.learned?.suggest;
  if (suggest) return { replies: [reply([suggestion(t, suggest.intent, suggest.numbers[0] ?? null)])], interpretation: turn.interpretation };
  if (!addressedToBot(turn)) return { replies: [], interpretation: turn.interpretation };
  const examples = closestExamples(exampleCatalogue(commands, lang), turn.interpretation.text);
  return { replies: [reply([t.askInstead.notUnderstood, ...examples.map(t.askInstead.example), t.askInstead.help])], interpretation: turn.interpretation };
}

/** `您是想撤回您在任务6的最近一条进展吗？…要撤回…请发送：撤回 任务6`. */
function suggestion(t: Turn["deps"]["t"], intent: string, task: number | null): string {
  const l = t.learnedSignal;
  const key = intent as keyof typeof l.what;
  if (!(key in l.what)) return t.askInstead.notUnderstood;
  const what = l.what[key](l.task(task));
  const command = l.command[key](l.number(task));
  return key === "status" || key === "history" || key === "unit" ? l.suggestQuery(what, command) : l.suggest(what, command);
}

/** A message the interpreter reads as no command, or as one only unlikely, is not understood. */
export const understood: Stage<Turn> = async (turn, next) => {
  if (!turn.command || turn.interpretation.confidence === "unlikely") return notUnderstood(turn);
  return next();
};
