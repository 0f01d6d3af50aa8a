import type { Arrival, Stage } from "./pipeline.js";

/** An event already handled (a transport's redelivery, a replay after a restart) gets nothing. */
export const dedupe: Stage<Arrival> = async ({ inbound, deps }, next) => {
  if (inbound.eventId && (await deps.repos.events.seen(inbound.eventId))) return { replies: [] };
  return next();
};
