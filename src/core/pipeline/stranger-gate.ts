import { commandContext } from "../bot-deps.js";
import { accessOf, UserError } from "../command.js";
import { refuse } from "../permissions.js";
import { planOfMessage } from "../plan-scope.js";
import { reply } from "../reply.js";
import type { Stage, Turn } from "./pipeline.js";

/**
 * People in no directory entry (strangers) may use `open` commands, and `query` ones only when DUBAN_OPEN_QUERIES
 * is on; a stranger's attempted change is refused and audited.
 */
export const strangerGate: Stage<Turn> = async ({ msg, deps, command, interpretation }, next) => {
  const access = command ? accessOf(command) : "open";
  if (!command || access === "open" || deps.directory.roleOf(msg.sender) !== "stranger") return next();
  if (access === "query" && deps.openQueries) return next();
  if (access === "query") return { replies: [reply([deps.t.permissions.strangerQuery(deps.directory.office)])], interpretation };
  const number = interpretation.tasks[0];
  const plan = number === undefined ? null : planOfMessage(msg, deps.directory);
  const task = plan && number !== undefined ? await deps.repos.plans.task(plan.id, number) : null;
  try {
    return await refuse(commandContext(deps, msg), command.name, task, deps.t.permissions.strangerChange(deps.directory.office));
  } catch (e) {
    if (e instanceof UserError) return { replies: [reply([e.humanMessage])], interpretation };
    throw e;
  }
};
