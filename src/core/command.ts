import type { z } from "zod";
import type { Clock } from "./clock.js";
import type { Directory } from "../directory/directory.js";
import type { Catalogue, Lang } from "./i18n/index.js";
import type { CommandCues } from "./command-cues.js";
import type { Message } from "./inbound.js";
import type { Confidence } from "./interpreter/interpretation.js";
import type { Actor, PendingRecord, Repositories } from "./model.js";
import type { OverlayChange, RoomMemberChange, RoomMembership } from "../directory/directory.js";
import type { HandlerResult, OutboundFile } from "./reply.js";
import type { PlanRecord } from "./model.js";
import type { LightThresholds } from "./task-status.js";

/** What `提醒预览` needs from the reminder module. */
export interface ReminderPreviewPort {
  nextRun(now: Date): Promise<{ day: string; time: string; messages: { unit: string; kinds: string[]; taskNumbers: number[] }[] }>;
}

/** Everything a command may touch: repositories, the clock, the directory and i18n. No transport. */
export interface CommandContext {
  /** The message, with the plan code it was addressed with and every plan (see Message). */
  inbound: Message;
  /** How sure the interpreter was that the message is this command: a `likely` update is asked about first. */
  confidence: Confidence;
  clock: Clock;
  repos: Repositories;
  directory: Directory;
  t: Catalogue;
  lang: Lang;
  thresholds: LightThresholds;
  /** Every registered command, for help. */
  commands: readonly AnyCommand[];
  maxMessageLength: number;
  /** How long a question "要记录为任务6的进展吗？" stays open. */
  confirmHours: number;
  /** Present when reminders are configured. */
  reminders: ReminderPreviewPort | null;
  /** Strangers (in no directory entry) may query (DUBAN_OPEN_QUERIES). */
  openQueries: boolean;
  /** Chat directory changes (绑定 / 解绑 / 绑定本群); null where the directory cannot be changed. */
  directoryAdmin: DirectoryAdminPort | null;
  /** Reports, exports and the chart (周报, 单位考评, 年度报告, 导出, 进度图); null where they are not set up. */
  reports: ReportsPort | null;
}

/** The parts of a progress update (进展) a "要记录…吗？" question asked about: `任务6：…60%` is one. */
export type UpdateSegments = PendingRecord["segments"];

export type { CommandCues } from "./command-cues.js";
export type { Confidence } from "./interpreter/interpretation.js";

/** Which review document (报告): a year's report (年度工作报告), the mid-term review (中期评估) or the final acceptance (总结验收). */
export type ReportKind = { kind: "year"; year: number } | { kind: "midterm" } | { kind: "final" };

/** The formats `导出` writes. */
export type ExportFormat = "xlsx" | "csv" | "ics" | "json";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["xlsx", "csv", "ics", "json"];

/** What the report commands need (src/reports/report-service.ts implements it). */
export interface ReportsPort {
  digestLines(plan: PlanRecord, at: Date): Promise<string[]>;
  /** The lead units that have not reported on an open task of theirs in the current report cycle (the digest's own list). */
  unreported(plan: PlanRecord, at: Date): Promise<{ unit: string; tasks: number[]; since: string }[]>;
  scorecardLines(plan: PlanRecord, year: number | null, unit: string | null, at: Date): Promise<string[]>;
  reportFile(plan: PlanRecord, kind: ReportKind, at: Date): Promise<OutboundFile>;
  exportFile(plan: PlanRecord, format: ExportFormat, at: Date): Promise<OutboundFile>;
  chartFile(plan: PlanRecord, at: Date): Promise<OutboundFile>;
}

/** Applies a chat change to the directory: validated like the file, stored, audited, and in force at once. */
export interface DirectoryAdminPort {
  /**
   * Throws DirectoryError when the change would make the directory invalid; nothing is stored then. Returns who became
   * or stopped being a member through a room because of it (绑定本群 of a unit with members_from_room).
   */
  apply(change: OverlayChange, actor: Actor, at: Date): Promise<RoomMemberChange[]>;
  /** Store what a transport saw of rooms' membership; returns, audited, who became or stopped being a member through a room. */
  roomMembership(reports: readonly RoomMembership[], actor: Actor, at: Date): Promise<RoomMemberChange[]>;
}

/**
 * Who may use a command at all, checked by the core before the handler runs: `open` for everyone (help),
 * `query` for anyone in the directory (strangers too with DUBAN_OPEN_QUERIES), `change` for anyone in the
 * directory, with the handler checking the finer rules and auditing refusals. Default: `change` for
 * updates, task commands and directives, `query` for the rest.
 */
export type CommandAccess = "open" | "query" | "change";

export function accessOf(cmd: AnyCommand): CommandAccess {
  return cmd.access ?? (["update", "task-command", "directive"].includes(cmd.cues.kind) ? "change" : "query");
}

/** A help topic: `main` is the short `帮助`; the others are `帮助 办结`, `帮助 延期`, `帮助 指标`, `帮助 报表`, `帮助 管理`. */
export type HelpTopic = "main" | "completion" | "extension" | "targets" | "reports" | "admin";

/** Where help lists a command: its topic, and whether an admin also sees it in the short help (the reviews). */
export interface HelpPlace {
  topic: HelpTopic;
  forAdmins?: "main";
}

/** Where help lists a command: `helpOf(cmd)` → `{ topic: "admin" }` when it says nothing. */
export function helpOf(cmd: AnyCommand): HelpPlace {
  return cmd.help ?? { topic: "admin" };
}

/**
 * A chat command: metadata, the cues by which the interpreter recognises it, a zod schema for
 * the arguments the interpreter hands over, and a handler that returns replies (it never sends).
 */
export interface Command<A> {
  name: string;
  /** Key of the one-line description in the catalogue's `commands` section. */
  summary: keyof Catalogue["commands"];
  /** Example phrasings shown in help, first Chinese then English. */
  examples: readonly string[];
  cues: CommandCues;
  access?: CommandAccess;
  /** Where help lists it; without this, under `帮助 管理` (see HelpPlace). */
  help?: HelpPlace;
  /** It acts on an archived plan named by code (恢复计划), where other changes are refused. */
  onArchivedPlans?: boolean;
  args: z.ZodType<A>;
  handle(args: A, ctx: CommandContext): Promise<HandlerResult>;
  /**
   * The update command's: record the parts a "要记录…吗？" question asked about, once its author answers yes
   * (src/core/pending-update.ts). The core calls it instead of building the command's arguments itself.
   */
  confirmed?(segments: UpdateSegments, ctx: CommandContext): Promise<HandlerResult>;
}

/** A command of any argument type: `handle` and `confirmed` are methods, so their parameters are checked bivariantly. */
export type AnyCommand = Command<unknown>;

/** Declare a command with its argument type inferred from the schema. */
export function defineCommand<S extends z.ZodType>(cmd: Omit<Command<z.infer<S>>, "args"> & { args: S }): Command<z.infer<S>> {
  return cmd as Command<z.infer<S>>;
}

/** A mistake by the person, told to them in their language; nothing was changed. */
export class UserError extends Error {
  constructor(readonly humanMessage: string) {
    super(humanMessage);
    this.name = "UserError";
  }
}
