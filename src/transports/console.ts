import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "../core/bot.js";
import type { ReminderMessage } from "../reminders/reminder-service.js";

/** Print reminder messages the way the console transport delivers them. */
export function printReminders(output: Writable, messages: ReminderMessage[]): void {
  for (const m of messages) output.write(`[→ ${m.unit}${m.rooms.length ? ` (${m.rooms.join(", ")})` : ""}]\n${m.reply.text}\n\n`);
}

export interface ConsoleOptions {
  bot: Bot;
  input: Readable;
  output: Writable;
  user: string;
  room: string;
  /** Show a prompt (for an interactive terminal). */
  prompt?: boolean;
  banner?: string;
}

/**
 * The console transport: each input line becomes one Inbound message, handled in order;
 * replies are printed. Resolves when the input ends (Ctrl-D or end of a pipe).
 */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const { bot, output } = opts;
  const rl = createInterface({ input: opts.input, terminal: false });
  const write = (s: string) => output.write(s);
  if (opts.banner) write(`${opts.banner}\n`);
  const prompt = () => opts.prompt && write("> ");
  prompt();
  for await (const line of rl) {
    if (!line.trim()) {
      prompt();
      continue;
    }
    const result = await bot.handle({
      transport: "console",
      eventId: undefined,
      room: opts.room,
      sender: opts.user,
      text: line,
      isDirect: true,
      mentionsBot: true,
    });
    for (const r of result.replies) write(`${r.text}\n`);
    if (result.reaction) write(`${result.reaction}\n`);
    for (const n of result.notices ?? []) write(`[→ ${n.rooms.join(", ")}]\n${n.reply.text}\n`);
    write("\n");
    prompt();
  }
}
