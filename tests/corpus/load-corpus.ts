import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";

const INTENTS = [
  "update",
  "status",
  "overview",
  "overdue",
  "due-soon",
  "unit",
  "mine",
  "history",
  "help",
  "reminders-preview",
  "pause-reminders",
  "resume-reminders",
  "complete",
  "request-completion",
  "retract",
  "unreported",
  "none",
] as const;

const entry = z
  .object({
    text: z.string().min(1),
    intent: z.enum(INTENTS),
    tasks: z.array(z.number().int().min(1)).optional(),
    percent: z.number().int().min(0).max(100).nullable().optional(),
    confirm: z.boolean().optional(),
    unit: z.string().optional(),
    as: z.string().optional(),
    room: z.string().optional(),
    direct: z.boolean().optional(),
    note: z.string().optional(),
    /** The bot's message this one is a Matrix reply to (issue 25): its text as quoted, and the tasks it was about. */
    replyTo: z
      .object({ text: z.string(), tasks: z.array(z.number().int().min(1)).optional() })
      .strict()
      .optional(),
    /** Which writer's style (blind sets): voice, young, formal, weekly, leader, reply, chatter. */
    style: z.string().optional(),
  })
  .strict();

export type CorpusEntry = z.infer<typeof entry> & { file: string; line: number };

const HERE = new URL(".", import.meta.url).pathname;
/** The fresh set (`fresh-*.jsonl`): written blind and never tuned on, the set the next change is measured on. */
const isFresh = (f: string) => f.startsWith("fresh-");

/** Every labelled message under tests/corpus/*.jsonl but the fresh set, checked against the format in its README. */
export function loadCorpus(dir = HERE): CorpusEntry[] {
  return loadCorpusFiles(
    readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl") && !isFresh(f))
      .sort()
      .map((f) => join(dir, f)),
  );
}

/** The fresh set alone (tests/corpus/fresh-*.jsonl): measured and reported, never gated, so nobody tunes on it. */
export function loadFreshCorpus(dir = HERE): CorpusEntry[] {
  return loadCorpusFiles(
    readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl") && isFresh(f))
      .sort()
      .map((f) => join(dir, f)),
  );
}

/** The labelled messages of the given .jsonl files, each named in the entries by its base name. */
export function loadCorpusFiles(paths: readonly string[]): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const path of paths) {
    const file = basename(path);
    readFileSync(path, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (!line.trim()) return;
        const parsed = entry.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
        out.push({ ...parsed.data, file, line: i + 1 });
      });
  }
  return out;
}
