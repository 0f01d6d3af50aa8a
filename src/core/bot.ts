import type { Directory } from "../directory/directory.js";
import type { EvidenceStore } from "../evidence/evidence-store.js";
import { silentLogger, type Logger } from "../log/logger.js";
import { formatSize } from "../util/format-size.js";
import type { Clock } from "./clock.js";
import { createHash } from "node:crypto";
import { accessOf, UserError, type AnyCommand, type CommandContext, type DirectoryAdminPort, type ReminderPreviewPort, type ReportsPort } from "./command.js";
import { CommandRegistry } from "./command-registry.js";
import { extractPercent, normalize, taskNumber } from "./grammar.js";
import { interpret, type Interpretation } from "./interpreter/interpret.js";
import { SubjectIndex } from "./interpreter/subject-index.js";
import { targetMovesFor } from "./targets.js";
import { catalogue, type Lang } from "./i18n/index.js";
import type { Inbound } from "./inbound.js";
import type { PendingRecord, PlanRecord, Repositories, TaskRecord } from "./model.js";
import { assertActive, planScope, plansOfMessage, splitPlanCode } from "./plan-scope.js";
import { actorOf, leadUnitFor, refuse, refuseReporter, reportingUnit } from "./permissions.js";
import { boundReply, reply, type HandlerResult } from "./reply.js";
import { RateLimiter } from "./rate-limit.js";
import type { LightThresholds } from "./task-status.js";


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
}

export const DEFAULT_THRESHOLDS: LightThresholds = { warnDays: 30, staleDays: 30 };


/** Replies that answer a "要记录…吗？" question. */
const YES = /^(?:是|是的|对|对的|确认|记录|要|要的|没错|yes|y|confirm|👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?)$/iu;
const NO = /^(?:否|不|不是|不用|不要|不对|忽略|取消|算了|别记|不记|no|n|cancel|ignore|👎|❌)$/iu;
/** Reactions that confirm a question on Matrix. */
const YES_REACTION = /^(?:👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?|是|yes)$/u;

/** How many tasks the interpreter's vocabularies may cover in all (about 40 MB of subject index per 100,000 short tasks). */
const VOCABULARY_TASKS = 200_000;

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
  private readonly limiter: RateLimiter;
  /**
   * The interpreter's vocabulary per plan, least recently used first. Kept for every plan in use up to
   * VOCABULARY_TASKS tasks in all: a city following 50 plans has messages for any of them, and rebuilding a plan's
   * vocabulary (its tasks, units and subject index) costs far more than answering the message.
   */
  private readonly vocabularies = new Map<string, { subjects: SubjectIndex; units: { name: string; aliases: string[] }[]; tasks: number }>();
  private vocabularyTasks = 0;

  constructor(private readonly opts: BotOptions) {
    this.registry = new CommandRegistry(opts.commands);
    this.lang = opts.lang ?? "zh";
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.maxLength = opts.maxMessageLength ?? 4000;
    this.confirmHours = opts.confirmHours ?? 24;
    this.log = opts.logger ?? silentLogger;
    this.limiter = new RateLimiter(opts.changesPerMinute ?? 20);
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
      if (inbound.eventId && (await this.opts.repos.events.seen(inbound.eventId))) return { replies: [] };
      if (inbound.kind === "redaction") return await this.handleRedaction(inbound);
      if (inbound.kind === "reaction") return await this.handleReaction(inbound);
      const addressed = await this.withPlanCode(inbound);
      if (inbound.kind === "edit") return await this.handleEdit(addressed);
      if (inbound.kind === "file") return await this.handleFile(addressed);
      return await this.handleMessage(addressed);
    } catch (e) {
      if (e instanceof UserError) return { replies: [reply([e.humanMessage])] };
      this.log.error("handler failed", {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        room: inbound.room,
        sender: inbound.sender,
        eventId: inbound.eventId,
      });
      this.log.debug?.("the message that failed", { eventId: inbound.eventId, text: inbound.text.slice(0, 200) });
      return { replies: [reply([this.t.errors.internal])] };
    }
  }

  /** What the bot makes of a message, without acting on it (`npx duban explain`). */
  async explain(text: string): Promise<Interpretation> {
    const inbound = await this.withPlanCode({ transport: "cli", room: "", sender: "", text, isDirect: true, mentionsBot: true });
    return interpret(inbound.text, await this.interpretContext(inbound));
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
      openQueries: this.opts.openQueries ?? false,
      directoryAdmin: this.opts.directoryAdmin ?? null,
      reports: this.opts.reports ?? null,
      planCode: inbound.planCode ?? null,
    };
  }

  /** The message's plans, as withPlanCode read them once for the whole message. */
  private plansOf(inbound: Inbound): Promise<readonly PlanRecord[]> {
    return plansOfMessage(inbound, this.opts.repos.plans);
  }

  /** A UserError when the plan is archived: its record can be queried, not changed. Returns the plan. */
  private async assertPlanActive(ctx: CommandContext, planId: number): Promise<PlanRecord | null> {
    const plan = (await this.plansOf(ctx.inbound)).find((p) => p.id === planId) ?? null;
    if (plan) assertActive(ctx, plan);
    return plan;
  }

  /** The same for the plan a message names by code, when it names one. */
  private async assertNamedPlanActive(inbound: Inbound): Promise<void> {
    if (!inbound.planCode) return;
    const named = (await this.plansOf(inbound)).find((p) => p.code === inbound.planCode);
    if (named) assertActive(this.context(inbound), named);
  }

  /** The message with a plan code it is addressed with taken out (`科技兴警 任务6` → `任务6`), see splitPlanCode. */
  private async withPlanCode(inbound: Inbound, known?: readonly PlanRecord[]): Promise<Inbound> {
    // The plans are read once here for the whole message (its scope, its reply's tag), not by each step.
    const plans = known ?? (await this.opts.repos.plans.plans());
    const { code, text } = splitPlanCode(inbound.text, plans.flatMap((p) => (p.code === null ? [] : [p.code])));
    return code === null ? { ...inbound, plans } : { ...inbound, text, planCode: code, plans };
  }

  /**
   * Units and task subjects for the interpreter: those of the plan the message is about (named by code, the
   * room's default, or the only one in progress), or none when that is open; rebuilt when that plan is re-imported.
   */
  private async interpretContext(inbound: Inbound) {
    const plan = await this.planOf(inbound);
    const key = plan ? `${plan.id}:${(plan.revisedAt ?? plan.importedAt).toISOString()}` : "";
    let vocabulary = this.vocabularies.get(key);
    if (vocabulary) {
      this.vocabularies.delete(key);
      this.vocabularies.set(key, vocabulary);
    } else {
      const tasks = plan ? await this.opts.repos.plans.tasks(plan.id) : [];
      const directoryUnits = this.opts.directory.units.map((u) => ({ name: u.name, aliases: [...u.aliases] }));
      const planUnits = plan ? (await this.opts.repos.plans.unitNames(plan.id)).filter((n) => !directoryUnits.some((u) => u.name === n)) : [];
      vocabulary = {
        subjects: new SubjectIndex(tasks.map((t) => ({ number: t.number, title: t.title, description: t.description }))),
        units: [...directoryUnits, ...planUnits.map((name) => ({ name, aliases: [] }))],
        tasks: tasks.length,
      };
      // A re-import makes a new key; the old one is evicted in its turn, as the least recently used. Two messages
      // may have built the same plan's at once: the one replaced is no longer counted.
      this.vocabularyTasks -= this.vocabularies.get(key)?.tasks ?? 0;
      this.vocabularies.delete(key);
      this.vocabularies.set(key, vocabulary);
      this.vocabularyTasks += vocabulary.tasks;
      for (const [old, v] of this.vocabularies) {
        if (this.vocabularyTasks <= VOCABULARY_TASKS || old === key) break;
        this.vocabularies.delete(old);
        this.vocabularyTasks -= v.tasks;
      }
    }
    return { commands: this.registry.commands, units: vocabulary.units, subjects: vocabulary.subjects };
  }

  /** The one plan a message is about, or null when that is open (several in progress) or unknown. */
  private async planOf(inbound: Inbound): Promise<PlanRecord | null> {
    try {
      const scope = await planScope(this.context(inbound));
      return "one" in scope ? scope.one : null;
    } catch (e) {
      if (e instanceof UserError) return null;
      throw e;
    }
  }

  private async handleMessage(inbound: Inbound): Promise<HandlerResult> {
    // Only the first maxLength characters are read: enough to know what a message is, and a 1 MB message
    // (or an adversarial one) costs no more than a long normal one. A command that is too long is refused below.
    const interpretation = interpret(inbound.text.slice(0, this.maxLength + 1), await this.interpretContext(inbound));
    const addressed = inbound.isDirect || inbound.mentionsBot || interpretation.addressed;
    const notUnderstood = (): HandlerResult => ({ replies: addressed ? [reply([this.t.errors.notUnderstood])] : [], interpretation });
    const answer = await this.answerQuestion(inbound, interpretation);
    if (answer) return answer;
    if (!interpretation.command || interpretation.confidence === "unlikely") return notUnderstood();
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    const command = this.registry.commands.find((c) => c.name === interpretation.command)!;
    const gate = await this.gate(inbound, command, interpretation);
    if (gate) return gate;
    // An archived plan, which only a code can name, is there to be queried, not changed.
    if (accessOf(command) === "change" && !command.onArchivedPlans) await this.assertNamedPlanActive(inbound);
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
   * People in no directory entry (strangers) may use `open` commands, and `query` ones only when
   * DUBAN_OPEN_QUERIES is on; a stranger's attempted change is refused and audited. Null lets the command run.
   */
  private async gate(inbound: Inbound, command: AnyCommand, interpretation: Interpretation): Promise<HandlerResult | null> {
    const access = accessOf(command);
    if (access === "change") {
      const wait = this.limiter.take(inbound.sender, this.opts.clock.now());
      if (wait !== null) {
        this.log.warn("change refused: rate limit", { sender: inbound.sender, room: inbound.room, perMinute: this.limiter.perMinute });
        return { replies: [reply([this.t.errors.rateLimited(this.limiter.perMinute, wait)])], interpretation };
      }
    }
    if (access === "open" || this.opts.directory.roleOf(inbound.sender) !== "stranger") return null;
    if (access === "query" && this.opts.openQueries) return null;
    const ctx = this.context(inbound);
    if (access === "query") return { replies: [reply([this.t.permissions.strangerQuery(this.opts.directory.office)])], interpretation };
    const number = interpretation.tasks[0];
    const plan = number === undefined ? null : await this.planOf(inbound);
    const task = plan && number !== undefined ? await this.opts.repos.plans.task(plan.id, number) : null;
    try {
      await refuse(ctx, command.name, task, this.t.permissions.strangerChange(this.opts.directory.office));
    } catch (e) {
      if (e instanceof UserError) return { replies: [reply([e.humanMessage])], interpretation };
      throw e;
    }
    return null;
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
    // The question was about the plan its stored text names (see the update command), whichever room answers.
    const original = await this.withPlanCode(
      {
        transport: pending.transport,
        room: pending.room,
        sender: pending.authorId,
        text: pending.text,
        eventId: pending.eventId ?? `pending-${pending.id}`,
        isDirect: inbound.isDirect,
        mentionsBot: true,
      },
      inbound.plans,
    );
    await this.assertNamedPlanActive(original);
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

  /**
   * A file sent as a reply to a completion or extension request (or to the bot's confirmation of it) is
   * evidence (佐证材料): downloaded, hashed, kept under the evidence folder and audited. Any other file is ignored.
   */
  private async handleFile(inbound: Inbound): Promise<HandlerResult> {
    const file = inbound.file;
    const store = this.opts.evidence;
    if (!file || !store || !inbound.targetEventId) return { replies: [] };
    const request = await this.opts.repos.requests.byEventId(inbound.targetEventId);
    if (!request) return { replies: [] };
    const task = await this.opts.repos.plans.taskById(request.taskId);
    if (!task) return { replies: [] };
    const ctx = this.context(inbound);
    const dir = this.opts.directory;
    const sender = inbound.sender;
    if (sender !== request.requestedBy && !leadUnitFor(dir, sender, task) && !dir.isAdmin(sender))
      await refuse(ctx, "add-evidence", task, this.t.evidence.notRequester(task.number));
    if (request.state !== "pending") await refuse(ctx, "add-evidence", task, this.t.evidence.closed(task.number));
    await this.assertPlanActive(ctx, task.planId);
    const maxMb = this.opts.evidenceMaxMb ?? 20;
    const max = maxMb * 1024 * 1024;
    if (file.size !== null && file.size > max) await refuse(ctx, "add-evidence", task, this.t.evidence.tooBig(file.name, formatSize(file.size), maxMb));
    let bytes: Uint8Array;
    try {
      bytes = await file.fetch();
    } catch (e) {
      this.log.warn("could not download evidence", { eventId: inbound.eventId, error: e instanceof Error ? e.message : String(e) });
      return { replies: [reply([this.t.evidence.failed(file.name)])] };
    }
    if (bytes.byteLength > max) await refuse(ctx, "add-evidence", task, this.t.evidence.tooBig(file.name, formatSize(bytes.byteLength), maxMb));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const path = await store.save(bytes, { taskNumber: task.number, sha256, name: file.name });
    const stored = await this.opts.repos.evidence.add(
      { taskId: task.id, requestId: request.id, fileName: file.name, mimeType: file.mimeType, size: bytes.byteLength, sha256, path, uploader: sender, eventId: inbound.eventId ?? null },
      actorOf(ctx, leadUnitFor(dir, sender, task) ?? dir.homeUnit(sender)),
      this.opts.clock.now(),
    );
    return { replies: [reply([this.t.evidence.stored(task.number, stored.fileName, formatSize(stored.size), stored.sha256.slice(0, 16))])], reaction: "✅" };
  }

  private async handleEdit(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    const parts = target ? await this.opts.repos.updates.parts(target) : [];
    const isAdmin = this.opts.directory.isAdmin(inbound.sender);
    // Only the author (or an admin) may change a message's meaning. For a message never recorded the
    // transport says who sent it; when it cannot tell (the event was not found), the edit is refused too.
    if (parts.length === 0 && inbound.targetSender !== undefined && inbound.targetSender !== inbound.sender && !isAdmin)
      await refuse(this.context(inbound), "edit", null, this.t.permissions.notSender);
    // A request (申请办结, 申请延期) is not changed by editing it: a new request is the way.
    const request = target ? await this.opts.repos.requests.byEventId(target) : null;
    if (request) return { replies: [reply([this.t.review.editIgnored])] };
    const pending = target ? await this.opts.repos.pending.byEventId(target) : null;
    if (pending && !pending.resolvedAt && (pending.authorId === inbound.sender || isAdmin))
      await this.opts.repos.pending.resolve(pending.id, "superseded", inbound.sender, this.opts.clock.now());
    // An edit of a message we never recorded (say, a rejected update now corrected) is handled as that
    // message, under the original's event id, so editing it again revises instead of adding another update.
    if (!target || parts.length === 0) return this.handleMessage({ ...inbound, kind: "message", eventId: target ?? inbound.eventId });
    const ctx = this.context(inbound);
    const firstTask = await this.opts.repos.plans.taskById(parts[0]!.taskId);
    // Only the author (or an admin) may change an update; anyone else is refused, audited, and changes nothing.
    if (parts.some((p) => p.authorId !== inbound.sender) && !this.opts.directory.isAdmin(inbound.sender))
      await refuse(ctx, "edit", firstTask, this.t.permissions.notAuthor(firstTask?.number ?? 0));
    if (inbound.text.length > this.maxLength) throw new UserError(this.t.errors.tooLong(inbound.text.length, this.maxLength));
    // An update stays in its plan: an archived plan's are not changed, and an edit cannot move one to another plan.
    const plan = firstTask ? await this.assertPlanActive(ctx, firstTask.planId) : null;
    if (inbound.planCode && plan && plan.code !== inbound.planCode) throw new UserError(this.t.errors.editOtherPlan(plan.code ?? plan.title));
    // Read with the vocabulary of the update's own plan.
    const interpretation = interpret(inbound.text, await this.interpretContext(plan ? { ...inbound, planCode: plan.code } : inbound));
    const segments = interpretation.command === "update" ? (interpretation.args.segments ?? []) : [];
    // Only a task number written in the edit moves the update; a task guessed from the subject never does.
    const namesTask = interpretation.confidence === "certain" && !interpretation.args.candidates?.length;
    // Check every part before revising any, so a bad edit changes nothing.
    const revisions: {
      eventId: string;
      task: TaskRecord | null;
      body: string;
      percent: number | null;
      moveTo: TaskRecord | null;
      targetMoves: { targetId: number; delta: number }[];
    }[] = [];
    for (const [i, part] of parts.entries()) {
      const task = await this.opts.repos.plans.taskById(part.taskId);
      const segment = segments.find((s) => task && s.numbers.includes(task.number)) ?? segments[i];
      const body = segment?.body ?? inbound.text.trim();
      if (!body) throw new UserError(this.t.update.noText(task?.number ?? 0));
      const pct = segment ? (segment.percent === null ? null : { value: segment.percent, raw: segment.percentRaw ?? "" }) : extractPercent(body);
      if (pct && (pct.value < 0 || pct.value > 100)) throw new UserError(this.t.update.percentOutOfRange(pct.raw));
      // An edit that names one other task moves the update there, if its author may post on that task.
      let moveTo: TaskRecord | null = null;
      // It moves within the update's own plan.
      if (namesTask && segment && task && segment.numbers.length === 1 && segment.numbers[0] !== task.number) {
        moveTo = await this.opts.repos.plans.task(task.planId, segment.numbers[0]!);
        if (!moveTo) {
          const { min, max } = await this.opts.repos.plans.numberRange(task.planId);
          throw new UserError(this.t.errors.unknownTask(segment.numbers[0]!, min, max));
        }
        if (!reportingUnit(this.opts.directory, part.authorId, moveTo))
          await refuseReporter(ctx, "edit-move", moveTo);
      }
      // Target moves (指标+1) are read again from the edited text: the earlier ones are undone, these applied.
      const on = moveTo ?? task;
      const targetMoves = on ? targetMovesFor(this.t, on, body) : [];
      revisions.push({ eventId: part.eventId!, task, body, percent: pct?.value ?? null, moveTo, targetMoves });
    }
    const replies = [];
    for (const r of revisions) {
      const change = { text: r.body, percent: r.percent, targetMoves: r.targetMoves, ...(r.moveTo ? { taskId: r.moveTo.id } : {}) };
      const revised = await this.opts.repos.updates.revise(r.eventId, change, actorOf(ctx), this.opts.clock.now());
      const shown = r.moveTo ?? r.task;
      if (shown && revised) replies.push(reply([this.t.update.revised(shown.number, revised.percent)]));
    }
    return { replies };
  }

  private async handleRedaction(inbound: Inbound): Promise<HandlerResult> {
    const target = inbound.targetEventId;
    if (!target) return { replies: [] };
    const pending = await this.opts.repos.pending.byEventId(target);
    if (pending && !pending.resolvedAt && (pending.authorId === inbound.sender || this.opts.directory.isAdmin(inbound.sender)))
      await this.opts.repos.pending.resolve(pending.id, "withdrawn", inbound.sender, this.opts.clock.now());
    const parts = await this.opts.repos.updates.parts(target);
    if (parts.length === 0) return { replies: [] };
    const ctx = this.context(inbound);
    const first = await this.opts.repos.plans.taskById(parts[0]!.taskId);
    if (parts.some((p) => p.authorId !== inbound.sender) && !this.opts.directory.isAdmin(inbound.sender))
      await refuse(ctx, "retract", first, this.t.permissions.notAuthor(first?.number ?? 0));
    if (first) await this.assertPlanActive(ctx, first.planId);
    const replies = [];
    for (const part of parts) {
      const retracted = await this.opts.repos.updates.retract(part.eventId!, actorOf(ctx), this.opts.clock.now());
      const task = retracted ? await this.opts.repos.plans.taskById(retracted.taskId) : null;
      if (task) replies.push(reply([this.t.update.retracted(task.number)]));
    }
    return { replies };
  }
}
