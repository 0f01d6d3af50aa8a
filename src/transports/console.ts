import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Bot } from "../core/bot.js";
import type { OutboundFile } from "../core/reply.js";
import type { ReminderMessage } from "../reminders/reminder-service.js";
import { terminalSafe } from "../util/terminal-text.js";

/** Print reminder messages the way the console transport delivers them. */
export function printReminders(output: Writable, messages: ReminderMessage[]): void {
  for (const m of messages) output.write(terminalSafe(`[→ ${m.unit}${m.rooms.length ? ` (${m.rooms.join(", ")})` : ""}]\n${m.reply.text}\n\n`));
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
  /** Where files a command sends (exports, reports, charts) are written; their paths are printed. */
  fileDir?: string;
}

/** Write a command's files into `dir` (created private) and return their paths. */
export function writeFiles(dir: string, files: readonly OutboundFile[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return files.map((f) => {
    const path = join(dir, basename(f.name));
    writeFileSync(path, f.data, { mode: 0o600 });
    return path;
  });
}

/**
 * The console transport: each input line becomes one Inbound message, handled in order;
 * replies are printed, terminal-safe (src/util/terminal-text.ts). Resolves when the input ends (Ctrl-D or end of a pipe).
 */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const { bot, output } = opts;
  const rl = createInterface({ input: opts.input, terminal: false });
  // Replies quote what people wrote: control characters, ANSI escapes and bidi overrides are shown escaped.
  const write = (s: string) => output.write(terminalSafe(s));
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
    if (result.files?.length) for (const path of writeFiles(opts.fileDir ?? ".", result.files)) write(`📎 ${path}\n`);
    write("\n");
    prompt();
  }
}
