import type { Directory } from "../directory/directory.js";
import type { Clock } from "./clock.js";
import { UserError, type AnyCommand, type CommandContext, type ReminderPreviewPort } from "./command.js";
import { CommandRegistry } from "./command-registry.js";
import { extractPercent, normalize } from "./grammar.js";
import { catalogue, type Lang } from "./i18n/index.js";
import type { Inbound } from "./inbound.js";
import type { Repositories } from "./model.js";
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
  /** Turns an edited message into the update's new body, via the update grammar. */
  parseUpdateBody?: (raw: string) => string | null;
  reminders?: ReminderPreviewPort;
}

export const DEFAULT_THRESHOLDS: LightThresholds = { warnDays: 30, staleDays: 30 };

/** A logger that writes one JSON line per record to stderr. */
export const stderrLogger: Logger = {
  info: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "info", msg, ...ctx })}\n`),
  warn: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "warn", msg, ...ctx })}\n`),
  error: (msg, ctx) => process.stderr.write(`${JSON.stringify({ level: "error", msg, ...ctx })}\n`),
};

/**
 * The core: turns one Inbound message into replies. Every transport (console, CLI,
 * Matrix, Slack) and the scheduler call `handle`; it is the one error boundary.
 */
export class Bot {
  readonly registry: CommandRegistry;
  readonly lang: Lang;
  private readonly thresholds: LightThresholds;
  private readonly maxLength: number;
  private readonly log: Logger;

  constructor(private readonly opts: BotOptions) {
    this.registry = new CommandRegistry(opts.commands);
    this.lang = opts.lang ?? "zh";
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.maxLength = opts.maxMessageLength ?? 4000;
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
      reminders: this.opts.reminders ?? null,
    };
  }

  private async handleMessage(inbound: Inbound): Promise<HandlerResult> {
    const addressed = inbound.isDirect || inbound.mentionsBot;
    const notUnderstood = (): HandlerResult => (addressed ? { replies: [reply([this.t.errors.notUnderstood])] } : { replies: [] });
    const text = normalize(inbound.text);
    if (!text) return notUnderstood();
    const found = this.registry.match(text, inbound.text);
    if (!found) return notUnderstood();
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    const args = found.command.args.safeParse(found.rawArgs);
    if (!args.success) throw new Error(`command ${found.command.name} matched but its arguments are invalid: ${args.error.message}`);
    const result = await found.command.handle(args.data, this.context(inbound));
    return result.ignored ? notUnderstood() : result;
  }

  private async handleEdit(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    const existing = target ? await this.opts.repos.updates.byEventId(target) : null;
    // An edit of a message we never recorded (say, a rejected update now corrected) is handled as that
    // message, under the original's event id, so editing it again revises instead of adding another update.
    if (!target || !existing) return this.handleMessage({ ...inbound, kind: "message", eventId: target ?? inbound.eventId });
    const task = await this.opts.repos.plans.taskById(existing.taskId);
    const body = this.opts.parseUpdateBody?.(inbound.text) ?? inbound.text.trim();
    if (!body) throw new UserError(this.t.update.noText(task?.number ?? 0));
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    const pct = extractPercent(body);
    if (pct && (pct.value < 0 || pct.value > 100)) throw new UserError(this.t.update.percentOutOfRange(pct.raw));
    const revised = await this.opts.repos.updates.revise(target, body, pct?.value ?? null, this.opts.clock.now());
    return { replies: task && revised ? [reply([this.t.update.revised(task.number, revised.percent)])] : [] };
  }

  private async handleRedaction(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    if (!target) return { replies: [] };
    const retracted = await this.opts.repos.updates.retract(target, this.opts.clock.now());
    const task = retracted ? await this.opts.repos.plans.taskById(retracted.taskId) : null;
    return { replies: task ? [reply([this.t.update.retracted(task.number)])] : [] };
  }
}
