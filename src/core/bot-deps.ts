import type { Directory } from "../directory/directory.js";
import type { EvidenceStore } from "../evidence/evidence-store.js";
import type { Logger } from "../log/logger.js";
import type { Clock } from "./clock.js";
import type { AnyCommand, CommandContext, Confidence, DirectoryAdminPort, ReminderPreviewPort, ReportsPort } from "./command.js";
import type { Catalogue, Lang } from "./i18n/index.js";
import type { Message } from "./inbound.js";
import type { InterpretContext } from "./interpreter/interpret.js";
import { tasksOfBotMessage, confirmedUpdate } from "./interpreter/reply-context.js";
import type { Repositories } from "./model.js";
import { planOfMessage } from "./plan-scope.js";
import { dayOf } from "./time.js";
import type { RateLimiter } from "./rate-limit.js";
import type { LightThresholds } from "./task-status.js";
import type { VocabularyCache } from "./vocabulary-cache.js";

/** The bot's parts, as the pipeline's stages and the event handlers (src/core/pipeline, src/core/events) see them. */
export interface BotDeps {
  repos: Repositories;
  directory: Directory;
  clock: Clock;
  t: Catalogue;
  lang: Lang;
  thresholds: LightThresholds;
  log: Logger;
  /** Every registered command, in matching order. */
  commands: readonly AnyCommand[];
  maxLength: number;
  confirmHours: number;
  openQueries: boolean;
  reminders: ReminderPreviewPort | null;
  directoryAdmin: DirectoryAdminPort | null;
  reports: ReportsPort | null;
  /** Where evidence files are kept; null: files sent in chat are ignored. */
  evidence: EvidenceStore | null;
  evidenceMaxMb: number;
  limiter: RateLimiter;
  vocabularies: VocabularyCache;
}

/** What a command gets for `msg`: the message and the bot's parts, no transport. */
export function commandContext(deps: BotDeps, msg: Message, confidence: Confidence = "certain"): CommandContext {
  return {
    inbound: msg,
    confidence,
    clock: deps.clock,
    repos: deps.repos,
    directory: deps.directory,
    t: deps.t,
    lang: deps.lang,
    thresholds: deps.thresholds,
    commands: deps.commands,
    maxMessageLength: deps.maxLength,
    confirmHours: deps.confirmHours,
    reminders: deps.reminders,
    openQueries: deps.openQueries,
    directoryAdmin: deps.directoryAdmin,
    reports: deps.reports,
  };
}

/**
 * Units and task subjects for the interpreter: those of the plan the message is about (named by code, the room's
 * default, or the only one in progress), or none when that is open; `plan` reads an edit with its update's own plan.
 */
export async function interpretContext(deps: BotDeps, msg: Message, plan = planOfMessage(msg, deps.directory)): Promise<InterpretContext> {
  const vocabulary = await deps.vocabularies.of(plan);
  const senderUnits = deps.directory.unitsOf(msg.sender).map((u) => u.name);
  const sender = { direct: msg.isDirect, leader: deps.directory.isLeader(msg.sender), admin: deps.directory.isAdmin(msg.sender), addressed: msg.mentionsBot };
  const today = dayOf(deps.clock.now());
  const confirmed = msg.replyTo ? confirmedUpdate(msg.replyTo.text) : null;
  const replyTo = msg.replyTo ? { tasks: tasksOfBotMessage(msg.replyTo.text), ...(confirmed ? { confirmed } : {}) } : undefined;
  return { commands: deps.commands, units: vocabulary.units, subjects: vocabulary.subjects, lexicon: vocabulary.lexicon, sender, senderUnits, today, replyTo };
}
