import { helpOf, type AnyCommand, type CommandContext, type HelpTopic } from "./command.js";

/** The short help's most lines: a member reads it at a glance. */
export const HELP_MAX_LINES = 12;

/** Whether help shows English examples: with DUBAN_LANG=en, or when the question was asked in English (`help`). */
export function wantsEnglish(ctx: CommandContext): boolean {
  return ctx.lang === "en" || !/\p{Script=Han}/u.test(ctx.inbound.text);
}

/** A command's help line: its summary and examples, the English ones only when wanted (`• 总览：总览 / 整体进度怎么样`). */
export function helpItem(ctx: CommandContext, c: AnyCommand, english: boolean, max = Infinity): string {
  const han = c.examples.filter((e) => /\p{Script=Han}/u.test(e));
  const shown = english ? [...han.slice(0, max), ...c.examples.filter((e) => !han.includes(e)).slice(0, 1)] : han.slice(0, max);
  return ctx.t.help.item(ctx.t.commands[c.summary], shown.join(" / "));
}

/** The commands help lists under a topic, in matching order; for `main`, an admin also gets the reviews. */
export function commandsFor(ctx: CommandContext, topic: HelpTopic): AnyCommand[] {
  const admin = ctx.directory.isAdmin(ctx.inbound.sender);
  return ctx.commands.filter((c) => {
    const place = helpOf(c);
    if (c.name === "help" || c.name === "help-topic") return false;
    return place.topic === topic || (topic === "main" && admin && place.forAdmins === "main");
  });
}
