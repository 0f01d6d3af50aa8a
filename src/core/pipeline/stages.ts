import { archivedPlan } from "./archived-plan.js";
import { command } from "./command.js";
import { dedupe } from "./dedupe.js";
import { lengthLimit } from "./length-limit.js";
import { pendingQuestion } from "./pending-question.js";
import type { Arrival, Stage, Turn } from "./pipeline.js";
import { planCode } from "./plan-code.js";
import { rateLimit } from "./rate-limit.js";
import { strangerGate } from "./stranger-gate.js";
import { understood } from "./understood.js";

/**
 * What happens to an event, top to bottom. A new stage is one file in this folder plus one line here.
 * Every inbound event first goes through these; then the Bot hands it to its kind's handler (src/core/events).
 */
export const eventStages: readonly Stage<Arrival>[] = [
  dedupe, //          an event already handled gets nothing
  planCode, //        the Message: the plan code taken out of the text, every plan read once
];

/** Then a message (kind "message", and an edit of one never recorded) is read by the interpreter and goes through these. */
export const messageStages: readonly Stage<Turn>[] = [
  pendingQuestion, // "是", "否" or "6" answering an open "要记录…吗？" question
  understood, //      no command, or an unlikely one: not understood
  lengthLimit, //     a command longer than the limit is refused
  rateLimit, //       too many changes a minute are refused
  strangerGate, //    strangers: no changes, and queries only when open
  archivedPlan, //    an archived plan named by code is not changed
  command, //         the command runs and answers
];
