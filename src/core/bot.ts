import type { Directory } from "../directory/directory.js";
import type { EvidenceStore } from "../evidence/evidence-store.js";
import { silentLogger, type Logger } from "../log/logger.js";
import { interpretContext, type BotDeps } from "./bot-deps.js";
import type { Clock } from "./clock.js";
import { UserError, type AnyCommand, type DirectoryAdminPort, type ReminderPreviewPort, type ReportsPort } from "./command.js";
import { CommandRegistry } from "./command-registry.js";
import { onEdit } from "./events/edit.js";
import { onFile } from "./events/file.js";
import { onMembership } from "./events/membership.js";
import { onMessage } from "./events/message.js";
import { onReaction } from "./events/reaction.js";
import { onRedaction } from "./events/redaction.js";
import { catalogue, type Lang } from "./i18n/index.js";
import type { Inbound, Message } from "./inbound.js";
import { interpret, type Interpretation } from "./interpreter/interpret.js";
import type { Repositories } from "./model.js";
import { runPipeline, type Arrival, type Stage } from "./pipeline/pipeline.js";
import { eventStages } from "./pipeline/stages.js";
import { addressMessage } from "./plan-scope.js";
import { RateLimiter } from "./rate-limit.js";
import { boundReply, reply, type HandlerResult } from "./reply.js";
import type { LightThresholds } from "./task-status.js";
import { VocabularyCache } from "./vocabulary-cache.js";

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
  /** Strangers may query (DUBAN_OPEN_QUERIES); default false. */
  openQueries?: boolean;
  /** Where evidence files are kept; without it files sent in chat are ignored. */
  evidence?: EvidenceStore;
  /** Largest evidence file accepted, in MB (DUBAN_EVIDENCE_MAX_MB); default 20. */
  evidenceMaxMb?: number;
  directoryAdmin?: DirectoryAdminPort;
  /** Reports, exports and the chart; absent where they are not set up. */
  reports?: ReportsPort;
  /** Changes a user may make per minute (DUBAN_RATE_LIMIT); default 20, 0 for no limit. */
  changesPerMinute?: number;
  /**
   * The reply for a failure the user should hear about plainly (the app names a damaged database, which the core
   * cannot tell from other errors without knowing the storage); null for an internal error.
   */
  explainFailure?: (e: unknown) => string | null;
}

export const DEFAULT_THRESHOLDS: LightThresholds = { warnDays: 30, staleDays: 30 };

/** Each kind of event to its handler (src/core/events), once the event stages have made it a Message. */
const handlers: Record<NonNullable<Inbound["kind"]>, (msg: Message, deps: BotDeps) => Promise<HandlerResult>> = {
  message: onMessage,
  edit: onEdit,
  redaction: onRedaction,
  reaction: onReaction,
  file: onFile,
  membership: onMembership,
};

/** The last event stage: the handler of the event's kind. */
const byKind: Stage<Arrival> = async ({ msg, deps }) => {
  if (!msg) throw new Error("pipeline: the plan-code stage did not run before the event's handler");
  return handlers[msg.kind ?? "message"](msg, deps);
};

/** Every event's road: the event stages (src/core/pipeline/stages.ts), then its kind's handler. */
const eventPipeline: readonly Stage<Arrival>[] = [...eventStages, byKind];

/**
 * The core: turns one Inbound message into replies. Every transport (console, CLI, Matrix) and the scheduler call
 * `handle`; it is the one error boundary. What happens to a message is the pipeline in src/core/pipeline/stages.ts.
 */
export class Bot {
  readonly registry: CommandRegistry;
  readonly lang: Lang;
  private readonly deps: BotDeps;
  private readonly log: Logger;

  constructor(private readonly opts: BotOptions) {
    this.registry = new CommandRegistry(opts.commands);
    this.lang = opts.lang ?? "zh";
    this.log = opts.logger ?? silentLogger;
    this.deps = {
      repos: opts.repos,
      directory: opts.directory,
      clock: opts.clock,
      t: catalogue(this.lang),
      lang: this.lang,
      thresholds: opts.thresholds ?? DEFAULT_THRESHOLDS,
      log: this.log,
      commands: this.registry.commands,
      maxLength: opts.maxMessageLength ?? 4000,
      confirmHours: opts.confirmHours ?? 24,
      openQueries: opts.openQueries ?? false,
      reminders: opts.reminders ?? null,
      directoryAdmin: opts.directoryAdmin ?? null,
      reports: opts.reports ?? null,
      evidence: opts.evidence ?? null,
      evidenceMaxMb: opts.evidenceMaxMb ?? 20,
      limiter: new RateLimiter(opts.changesPerMinute ?? 20),
      vocabularies: new VocabularyCache(opts.repos.plans, opts.directory),
    };
  }

  get t() {
    return catalogue(this.lang);
  }

  /** Handle one message and return what to say. Never throws. */
  async handle(inbound: Inbound): Promise<HandlerResult> {
    const result = await this.handleUnbounded(inbound);
    const hint = (n: number) => this.t.errors.truncated(n);
    return {
      ...result,
      replies: result.replies.map((r) => boundReply(r, hint)),
      ...(result.notices ? { notices: result.notices.map((n) => ({ ...n, reply: boundReply(n.reply, hint) })) } : {}),
    };
  }

  private async handleUnbounded(inbound: Inbound): Promise<HandlerResult> {
    try {
      return await runPipeline(eventPipeline, { inbound, deps: this.deps });
    } catch (e) {
      if (e instanceof UserError) return { replies: [reply([e.humanMessage])] };
      const explained = this.opts.explainFailure?.(e) ?? null;
      if (explained !== null) {
        this.log.error("handler failed; the reply says why", {
          error: e instanceof Error ? e.message : String(e),
          room: inbound.room,
          sender: inbound.sender,
          eventId: inbound.eventId,
        });
        return { replies: [reply([explained])], failed: true };
      }
      this.log.error("handler failed", {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        room: inbound.room,
        sender: inbound.sender,
        eventId: inbound.eventId,
      });
      this.log.debug?.("the message that failed", { eventId: inbound.eventId, text: inbound.text.slice(0, 200) });
      return { replies: [reply([this.t.errors.internal])], failed: true };
    }
  }

  /** What the bot makes of a message, without acting on it (`npx duban explain`). */
  async explain(text: string, opts: { replyTo?: string } = {}): Promise<Interpretation> {
    const inbound: Inbound = { transport: "cli", room: "", sender: "", text, isDirect: true, mentionsBot: true };
    if (opts.replyTo) inbound.replyTo = { text: opts.replyTo };
    const msg = addressMessage(inbound, await this.opts.repos.plans.plans());
    return interpret(msg.text, await interpretContext(this.deps, msg));
  }

  /** Whether an event was already handled (transports use it to stop filling a gap). */
  seen(eventId: string): Promise<boolean> {
    return this.opts.repos.events.seen(eventId);
  }

  /** Record that a transport has finished with an event (replies sent), so a redelivery is ignored. */
  async markHandled(eventId: string, room: string): Promise<void> {
    await this.opts.repos.events.markHandled(eventId, room, this.opts.clock.now());
  }
}
