import { accessOf } from "../command.js";
import { assertNamedPlanActive } from "../plan-scope.js";
import type { Stage, Turn } from "./pipeline.js";

/** An archived plan, which only a code can name, is there to be queried, not changed (恢复计划 excepted). */
export const archivedPlan: Stage<Turn> = async ({ msg, deps, command }, next) => {
  if (command && accessOf(command) === "change" && !command.onArchivedPlans) assertNamedPlanActive(deps.t, msg);
  return next();
};
