import type { CommandCues } from "../command-cues.js";
import type { SubjectMatch } from "./subject-index.js";

/*
 * What the interpreter makes of a message, as types only: replies carry it (src/core/reply.ts), and commands get its
 * confidence, without importing the interpreter itself.
 */

/** How sure the interpreter is: `likely` updates are asked about before anything is recorded, `unlikely` ones not acted on. */
export type Confidence = "certain" | "likely" | "unlikely";

/** One progress update inside a message: `任务6：…；任务7：…` has two. */
export interface UpdateSegment {
  numbers: number[];
  body: string;
  percent: number | null;
  /** The percentage as written, for the out-of-range message. */
  percentRaw: string | null;
}

/** What a message means: the command it is for, its arguments, and the cues that decided. */
export interface Interpretation {
  command: string | null;
  kind: CommandCues["kind"] | null;
  confidence: Confidence;
  /** The message addresses the bot by name at its start (`督办：任务6进度`). */
  addressed: boolean;
  /** The text after the address as the interpreter read it: quoted lines left out, NFKC, simplified (normalise.ts). */
  text: string;
  args: {
    numbers?: number[];
    reason?: string;
    name?: string;
    explicit?: boolean;
    segments?: UpdateSegment[];
    candidates?: SubjectMatch[];
    /** Task commands: the prefix or suffix as written (`approve`, `reject`); directives: the text after the prefix. */
    verb?: string;
    rest?: string;
    /** status: ask before answering, even for one task (the fallback's guess, `您是想查看任务6（…）的进度吗？`). */
    ask?: boolean;
    /** due-soon: to the end of the year or the month (`年底前要完成的还有几个`) instead of the warning window. */
    until?: "year" | "month";
    /** Task commands: said in other words, the whole message (the cues' `whole`); the reason is the message as written. */
    words?: boolean;
    /** retract: the text of the update the bot's confirmation replied to names (`撤回` in reply withdraws that one). */
    quote?: string;
    /** status: the task command whose order, written with a question in it (`办结 6 为什么`), was answered as a question. */
    asked?: string;
  };
  tasks: number[];
  percent: number | null;
  cues: string[];
  /** The learned signal (intent-classifier.ts), where it was consulted: its best intents, and what the bot did with it. */
  learned?: LearnedSignal;
}

/** The classifier's reading of a message the rules left unread, addressed to the bot (ask-instead.ts). */
export interface LearnedSignal {
  /** The best three intents with their probabilities. */
  top: { intent: string; p: number }[];
  threshold: number;
  /** `answered`: a read-only query run; `suggested`: the exact command to send was offered; `null`: not used. */
  used: "answered" | "suggested" | null;
  /** What to suggest: a command that changes something (never run on the classifier's word) or a query missing its task. */
  suggest?: { intent: string; numbers: number[] };
}
