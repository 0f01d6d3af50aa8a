import { UserError } from "../command.js";
import type { Stage, Turn } from "./pipeline.js";

/**
 * A command longer than DUBAN_MAX_MESSAGE_LENGTH is refused. The interpreter read only that many characters, so a
 * 1 MB message (or an adversarial one) costs no more than a long normal one.
 */
export const lengthLimit: Stage<Turn> = async ({ msg, deps }, next) => {
  if (msg.text.length > deps.maxLength) throw new UserError(deps.t.errors.tooLong(msg.text.length, deps.maxLength));
  return next();
};
