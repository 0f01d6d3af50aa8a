import { readFileSync } from "node:fs";
import { commands } from "../../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../../src/config.js";
import { interpret, type InterpretContext } from "../../src/core/interpreter/interpret.js";
import { confirmedUpdate, tasksOfBotMessage } from "../../src/core/interpreter/reply-context.js";
import { SubjectIndex } from "../../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../../src/directory/directory.js";
import { parsePlan } from "../../src/plan/plan-parser.js";

/** The interpreter's context for the bundled plan and the demo directory, as the bot builds it (no lexicon, no sender). */
export function bundledContext(): InterpretContext {
  const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
  return {
    commands,
    units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
    subjects: new SubjectIndex(plan.tasks),
  };
}

/**
 * How `text` from `sender` is read, optionally as a Matrix reply to the bot's message `bot` (its tasks, and the update
 * it confirms): the command, its tasks and its percent.
 */
export function readAs(base: InterpretContext, text: string, sender: InterpretContext["sender"], bot?: string) {
  const confirmed = bot ? confirmedUpdate(bot) : null;
  const r = interpret(text, { ...base, sender, ...(bot ? { replyTo: { tasks: tasksOfBotMessage(bot), ...(confirmed ? { confirmed } : {}) } } : {}) });
  return { command: r.command, tasks: r.tasks, percent: r.percent };
}
