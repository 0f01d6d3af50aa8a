import { commandContext } from "../bot-deps.js";
import { UserError } from "../command.js";
import { reply } from "../reply.js";
import { notUnderstood } from "./understood.js";
import type { Stage, Turn } from "./pipeline.js";

/**
 * The command runs with the arguments the interpreter found and how sure it was. A command that declines the
 * message after all (chatter) leaves it not understood; a person's mistake is told to them.
 */
export const command: Stage<Turn> = async (turn) => {
  const { msg, deps, command, interpretation } = turn;
  if (!command) return notUnderstood(turn);
  const args = command.args.safeParse(interpretation.args);
  if (!args.success) throw new Error(`command ${command.name} matched but its arguments are invalid: ${args.error.message}`);
  const ctx = commandContext(deps, { ...msg, mentionsBot: msg.mentionsBot || interpretation.addressed }, interpretation.confidence);
  try {
    const result = await command.handle(args.data, ctx);
    return result.ignored ? notUnderstood(turn) : { ...result, interpretation };
  } catch (e) {
    if (e instanceof UserError) return { replies: [reply([e.humanMessage])], interpretation };
    throw e;
  }
};
