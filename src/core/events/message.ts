import { interpretContext, type BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import { interpret } from "../interpreter/interpret.js";
import { runPipeline } from "../pipeline/pipeline.js";
import { messageStages } from "../pipeline/stages.js";
import type { HandlerResult } from "../reply.js";

/** A chat message: read by the interpreter, then through the message stages (src/core/pipeline/stages.ts). */
export async function onMessage(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  // Only the first maxLength characters are read: enough to know what a message is (the length-limit stage refuses a longer command).
  const interpretation = interpret(msg.text.slice(0, deps.maxLength + 1), await interpretContext(deps, msg));
  const command = interpretation.command === null ? null : (deps.commands.find((c) => c.name === interpretation.command) ?? null);
  return runPipeline(messageStages, { msg, deps, interpretation, command });
}
