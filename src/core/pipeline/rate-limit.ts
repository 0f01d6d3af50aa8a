import { accessOf } from "../command.js";
import { reply } from "../reply.js";
import type { Stage, Turn } from "./pipeline.js";

/** A user's changes beyond DUBAN_RATE_LIMIT a minute are refused with how long to wait; queries are never limited. */
export const rateLimit: Stage<Turn> = async ({ msg, deps, command, interpretation }, next) => {
  if (!command || accessOf(command) !== "change") return next();
  const wait = deps.limiter.take(msg.sender, deps.clock.now());
  if (wait === null) return next();
  deps.log.warn("change refused: rate limit", { sender: msg.sender, room: msg.room, perMinute: deps.limiter.perMinute });
  return { replies: [reply([deps.t.errors.rateLimited(deps.limiter.perMinute, wait)])], interpretation };
};
