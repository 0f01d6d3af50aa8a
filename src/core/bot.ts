import type { Directory } from "../directory/directory.js";
import type { Clock } from "./clock.js";
import { UserError, type AnyCommand, type CommandContext, type ReminderPreviewPort } from "./command.js";
import { CommandRegistry } from "./command-registry.js";
import { extractPercent, normalize, taskNumber } from "./grammar.js";
import { interpret, type Interpretation } from "./interpreter/interpret.js";
import { SubjectIndex } from "./interpreter/subject-index.js";
import { catalogue, type Lang } from "./i18n/index.js";
import type { Inbound } from "./inbound.js";
import type { PendingRecord, Repositories } from "./model.js";
import { reply, type HandlerResult } from "./reply.js";
import type { LightThresholds } from "./task-status.js";

export interface Logger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

export interface BotOptions {
  repos: Repositories;
  directory: Directory;
  clock: Clock;
  commands: readonly AnyCommand[];
  lang?: Lang;
  thresholds?: LightThresholds;
  maxMessageLength?: number;
  logger?: Logger;
  reminders?: ReminderPreviewPort;
  /** How long a "要记录为任务6的进展吗？" question stays open; default 24. */
  confirmHours?: number;
}

export const DEFAULT_THRESHOLDS: LightThresholds = { warnDays: 30, staleDays: 30 };

/** A logger that writes one JSON line per record to stderr. */
export const stderrLogger: Logger = {
  info: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "info", msg, ...ctx })}\n`),
  warn: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "warn", msg, ...ctx })}\n`),
  error: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "error", msg, ...ctx })}\n`),
};

/** Replies that answer a "要记录…吗？" question. */
const YES = /^(?:是|是的|对|对的|确认|记录|要|要的|没错|yes|y|confirm|👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?)$/iu;
const NO = /^(?:否|不|不是|不用|不要|不对|忽略|取消|算了|别记|不记|no|n|cancel|ignore|👎|❌)$/iu;
/** Reactions that confirm a question on Matrix. */
const YES_REACTION = /^(?:👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?|是|yes)$/u;

/**
 * The core: turns one Inbound message into replies. Every transport (console, CLI,
 * Matrix, Slack) and the scheduler call `handle`; it is the one error boundary.
 */
export class Bot {
  readonly registry: CommandRegistry;
  readonly lang: Lang;
  private readonly thresholds: LightThresholds;
  private readonly maxLength: number;
  private readonly confirmHours: number;
  private readonly log: Logger;
  private vocabulary: { key: string; subjects: SubjectIndex; units: { name: string; aliases: string[] }[] } | null = null;

  constructor(private readonly opts: BotOptions) {
    this.registry = new CommandRegistry(opts.commands);
    this.lang = opts.lang ?? "zh";
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.maxLength = opts.maxMessageLength ?? 4000;
    this.confirmHours = opts.confirmHours ?? 24;
    this.log = opts.logger ?? stderrLogger;
  }

  get t() {
    return catalogue(this.lang);
  }

  /** Handle one message and return what to say. Never throws. */
  async handle(inbound: Inbound): Promise<HandlerResult> {
    try {
      if (inbound.eventId && (await this.opts.repos.events.seen(inbound.eventId))) return { replies: [] };
      if (inbound.kind === "edit") return await this.handleEdit(inbound);
      if (inbound.kind === "redaction") return await this.handleRedaction(inbound);
      if (inbound.kind === "reaction") return await this.handleReaction(inbound);
      return await this.handleMessage(inbound);
    } catch (e) {
      if (e instanceof UserError) return { replies: [reply([e.humanMessage])] };
      this.log.error("handler failed", {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        room: inbound.room,
        sender: inbound.sender,
        eventId: inbound.eventId,
        text: inbound.text.slice(0, 200),
      });
      return { replies: [reply([this.t.errors.internal])] };
    }
  }

  /** What the bot makes of a message, without acting on it (`npx duban explain`). */
  async explain(text: string): Promise<Interpretation> {
    return interpret(text, await this.interpretContext());
  }

  /** Whether an event was already handled (transports use it to stop filling a gap). */
  seen(eventId: string): Promise<boolean> {
    return this.opts.repos.events.seen(eventId);
  }

  /** Record that a transport has finished with an event (replies sent), so a redelivery is ignored. */
  async markHandled(eventId: string, room: string): Promise<void> {
    await this.opts.repos.events.markHandled(eventId, room, this.opts.clock.now());
  }

  private context(inbound: Inbound): CommandContext {
    return {
      inbound,
      clock: this.opts.clock,
      repos: this.opts.repos,
      directory: this.opts.directory,
      t: this.t,
      lang: this.lang,
      thresholds: this.thresholds,
      commands: this.registry.commands,
      maxMessageLength: this.maxLength,
      confirmHours: this.confirmHours,
      reminders: this.opts.reminders ?? null,
    };
  }

  /** Units and task subjects for the interpreter, rebuilt when another plan is imported. */
  private async interpretContext() {
    const plan = await this.opts.repos.plans.currentPlan();
    const key = plan ? `${plan.id}:${plan.importedAt.toISOString()}` : "";
    if (this.vocabulary?.key !== key) {
      const tasks = plan ? await this.opts.repos.plans.tasks(plan.id) : [];
      const directoryUnits = this.opts.directory.units.map((u) => ({ name: u.name, aliases: [...u.aliases] }));
      const planUnits = plan ? (await this.opts.repos.plans.unitNames(plan.id)).filter((n) => !directoryUnits.some((u) => u.name === n)) : [];
      this.vocabulary = {
        key,
        subjects: new SubjectIndex(tasks.map((t) => ({ number: t.number, title: t.title, description: t.description }))),
        units: [...directoryUnits, ...planUnits.map((name) => ({ name, aliases: [] }))],
      };
    }
    return { commands: this.registry.commands, units: this.vocabulary.units, subjects: this.vocabulary.subjects };
  }

  private async handleMessage(inbound: Inbound): Promise<HandlerResult> {
    const interpretation = interpret(inbound.text, await this.interpretContext());
    const addressed = inbound.isDirect || inbound.mentionsBot || interpretation.addressed;
    const notUnderstood = (): HandlerResult => ({ replies: addressed ? [reply([this.t.errors.notUnderstood])] : [], interpretation });
    const answer = await this.answerQuestion(inbound, interpretation);
    if (answer) return answer;
    if (!interpretation.command || interpretation.confidence === "unlikely") return notUnderstood();
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    const command = this.registry.commands.find((c) => c.name === interpretation.command)!;
    const raw = command.cues.kind === "report" ? { ...interpretation.args, confirm: interpretation.confidence === "likely" } : interpretation.args;
    const args = command.args.safeParse(raw);
    if (!args.success) throw new Error(`command ${command.name} matched but its arguments are invalid: ${args.error.message}`);
    try {
      const result = await command.handle(args.data, this.context({ ...inbound, mentionsBot: inbound.mentionsBot || interpretation.addressed }));
      return result.ignored ? notUnderstood() : { ...result, interpretation };
    } catch (e) {
      if (e instanceof UserError) return { replies: [reply([e.humanMessage])], interpretation };
      throw e;
    }
  }

  /**
   * A reply to an open "要记录…吗？" question from its author (or an admin): "是", "否", or a task
   * number when several were offered. Null when the message is not such an answer.
   */
  private async answerQuestion(inbound: Inbound, interpretation: Interpretation): Promise<HandlerResult | null> {
    const text = normalize(interpretation.text).replace(/[,，。!！\s]+$/u, "");
    const yes = YES.test(text);
    const no = NO.test(text);
    // A bare number ("6", "6号"): "任务6" stays a status query even while a question is open.
    const choice = /^(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:号|项)?$/u.exec(text);
    if (!yes && !no && !choice) return null;
    const now = this.opts.clock.now();
    const isAdmin = this.opts.directory.isAdmin(inbound.sender);
    const mine = (await this.opts.repos.pending.unresolved(inbound.room)).filter((p) => p.authorId === inbound.sender || isAdmin);
    const pending = mine.find((p) => p.expiresAt > now);
    if (!pending) {
      const expired = mine.find((p) => p.authorId === inbound.sender);
      if (expired && (yes || (choice && expired.candidates.length > 0))) {
        await this.opts.repos.pending.resolve(expired.id, "expired", inbound.sender, now);
        return { replies: [reply([this.t.confirm.expired(this.confirmHours)])] };
      }
      return null;
    }
    if (choice && !yes) {
      const n = taskNumber(choice[1]!);
      // A bare task number answers only a question that offered several tasks.
      if (pending.candidates.length === 0 || n === null) return null;
      if (!pending.candidates.includes(n)) {
        const addressed = inbound.isDirect || inbound.mentionsBot || interpretation.addressed;
        return addressed ? { replies: [reply([this.t.confirm.notAnOption(n, pending.candidates.join("、"))])] } : null;
      }
      return this.confirmPending(inbound, pending, n);
    }
    if (no) {
      await this.opts.repos.pending.resolve(pending.id, "declined", inbound.sender, now);
      return { replies: [reply([this.t.confirm.declined])] };
    }
    return this.confirmPending(inbound, pending, pending.candidates[0] ?? null);
  }

  /** Record a pending update as its author wrote it, then close the question. */
  private async confirmPending(inbound: Inbound, pending: PendingRecord, chosen: number | null): Promise<HandlerResult> {
    const report = this.registry.commands.find((c) => c.cues.kind === "report");
    if (!report) return { replies: [] };
    const segments = chosen === null ? pending.segments : pending.segments.map((s, i) => (i === 0 ? { ...s, numbers: [chosen] } : s));
    const args = report.args.parse({ segments, confirm: false });
    const original: Inbound = {
      transport: pending.transport,
      room: pending.room,
      sender: pending.authorId,
      text: pending.text,
      eventId: pending.eventId ?? `pending-${pending.id}`,
      isDirect: inbound.isDirect,
      mentionsBot: true,
    };
    const result = await report.handle(args, this.context(original));
    await this.opts.repos.pending.resolve(pending.id, "confirmed", inbound.sender, this.opts.clock.now());
    return result;
  }

  /** A 👍 on the question (the transport passes the asked-about message's id) confirms it. */
  private async handleReaction(inbound: Inbound): Promise<HandlerResult> {
    if (!inbound.targetEventId || !YES_REACTION.test(inbound.text.trim())) return { replies: [] };
    const pending = await this.opts.repos.pending.byEventId(inbound.targetEventId);
    if (!pending || pending.resolvedAt) return { replies: [] };
    if (pending.authorId !== inbound.sender && !this.opts.directory.isAdmin(inbound.sender)) return { replies: [] };
    if (pending.expiresAt <= this.opts.clock.now()) {
      await this.opts.repos.pending.resolve(pending.id, "expired", inbound.sender, this.opts.clock.now());
      return { replies: [reply([this.t.confirm.expired(this.confirmHours)])] };
    }
    return this.confirmPending(inbound, pending, pending.candidates[0] ?? null);
  }

  private async handleEdit(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    const parts = target ? await this.opts.repos.updates.parts(target) : [];
    const pending = target ? await this.opts.repos.pending.byEventId(target) : null;
    if (pending && !pending.resolvedAt) await this.opts.repos.pending.resolve(pending.id, "superseded", inbound.sender, this.opts.clock.now());
    // An edit of a message we never recorded (say, a rejected update now corrected) is handled as that
    // message, under the original's event id, so editing it again revises instead of adding another update.
    if (!target || parts.length === 0) return this.handleMessage({ ...inbound, kind: "message", eventId: target ?? inbound.eventId });
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    const interpretation = interpret(inbound.text, await this.interpretContext());
    const segments = interpretation.command === "update" ? (interpretation.args.segments ?? []) : [];
    // Check every part before revising any, so a bad edit changes nothing.
    const revisions = [];
    for (const [i, part] of parts.entries()) {
      const task = await this.opts.repos.plans.taskById(part.taskId);
      const segment = segments.find((s) => task && s.numbers.includes(task.number)) ?? segments[i];
      const body = segment?.body ?? inbound.text.trim();
      if (!body) throw new UserError(this.t.update.noText(task?.number ?? 0));
      const pct = segment ? (segment.percent === null ? null : { value: segment.percent, raw: segment.percentRaw ?? "" }) : extractPercent(body);
      if (pct && (pct.value < 0 || pct.value > 100)) throw new UserError(this.t.update.percentOutOfRange(pct.raw));
      revisions.push({ eventId: part.eventId!, task, body, percent: pct?.value ?? null });
    }
    const replies = [];
    for (const r of revisions) {
      const revised = await this.opts.repos.updates.revise(r.eventId, r.body, r.percent, this.opts.clock.now());
      if (r.task && revised) replies.push(reply([this.t.update.revised(r.task.number, revised.percent)]));
    }
    return { replies };
  }

  private async handleRedaction(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    if (!target) return { replies: [] };
    const pending = await this.opts.repos.pending.byEventId(target);
    if (pending && !pending.resolvedAt) await this.opts.repos.pending.resolve(pending.id, "withdrawn", inbound.sender, this.opts.clock.now());
    const replies = [];
    for (const part of await this.opts.repos.updates.parts(target)) {
      const retracted = await this.opts.repos.updates.retract(part.eventId!, this.opts.clock.now());
      const task = retracted ? await this.opts.repos.plans.taskById(retracted.taskId) : null;
      if (task) replies.push(reply([this.t.update.retracted(task.number)]));
    }
    return { replies };
  }
}
