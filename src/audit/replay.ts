import { createHash } from "node:crypto";
import { isLegacy } from "./chain.js";

/**
 * Replaying the audit trail (留痕回放): the entries, oldest first, give what the tables should hold — each
 * update's text, percent, author and retraction, each task's completion, deadline (完成时限) and lead units
 * (牵头单位), and each target's count (指标). `compareWithTables` then names every value the tables hold
 * differently, so a row edited behind the bot's back (SQL, a restored file) is found even though the chain is intact.
 *
 * A value the trail cannot vouch for (set by an entry written before the replay existed, or by an action it does
 * not know) is "not verifiable": counted, never reported as a difference.
 */

/** sha256 of an update's text, as the replay compares it. */
export const textHash = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The fields of an audit entry the replay reads (before and after as stored: JSON text). */
export interface ReplayEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  outcome: string;
  taskId: number | null;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

interface Deadline {
  text: string;
  kind: string;
  date: string | null;
}

interface ExpectedUpdate {
  taskId: number;
  /** The text where the entry gives it, else null (then only its hash is known). */
  text: string | null;
  textHash: string;
  percent: number | null;
  author: string;
  retracted: boolean;
  /** When it was recorded (the entry's time, the update's createdAt): the latest sets the task's progress. */
  at: number;
}

interface ExpectedTask {
  completedAt?: string | null;
  completedBy?: string | null;
  deadline?: Deadline;
  leadUnits?: string[];
  /** The progress shown (最新进度); undefined while not verifiable. */
  progress?: number | null;
  /** Every update of the task is in the trail (it was created by an import the replay follows): progress can be recomputed. */
  whole?: boolean;
}

/** A target as the tables name it: the replay needs its task and name to follow entries that give only those. */
export interface TargetIdentity {
  id: number;
  taskId: number;
  name: string;
}

/** Actions that change none of the values the replay follows. */
const NO_REPLAYED_CHANGE: ReadonlySet<string> = new Set([
  "pause-reminders",
  "resume-reminders",
  "request-completion",
  "request-extension",
  "reject-completion",
  "reject-extension",
  "add-evidence",
  "archive-plan",
  "restore-plan",
  "audit-suspect",
]);

type Obj = Record<string, unknown>;
/** JSON text as an object; anything else (an array, text that is not JSON) as null. */
const parse = (s: string | null): Obj | null => {
  if (s === null) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : null;
  } catch {
    return null;
  }
};
const isDeadline = (v: unknown): v is Deadline =>
  typeof v === "object" && v !== null && typeof (v as Obj).text === "string" && typeof (v as Obj).kind === "string" && "date" in (v as Obj);
/** The text of an update entry, or only its hash (`textHash`) where the entry keeps no text. */
const textOf = (after: Obj | null): { text: string | null; textHash: string } | null =>
  typeof after?.text === "string"
    ? { text: after.text, textHash: textHash(after.text) }
    : typeof after?.textHash === "string"
      ? { text: null, textHash: after.textHash }
      : null;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Follows entries fed in id order (like ChainVerifier), keeping only the latest expected values. */
export class AuditReplay {
  readonly updates = new Map<number, ExpectedUpdate | null>();
  readonly tasks = new Map<number, ExpectedTask>();
  /** Target id → expected count; null once an entry the replay cannot follow may have moved it. */
  readonly targets = new Map<number, number | null>();
  /** The first update id the trail records the creation of: a live update after it without an entry is a difference. */
  firstUpdateId: number | null = null;
  replayed = 0;
  notVerifiable = 0;
  private readonly byName = new Map<string, number>();
  private readonly ofTask = new Map<number, number[]>();
  /** Update ids by the task the replay last saw them on (a moved update is listed on both; `taskId` decides). */
  private readonly taskUpdates = new Map<number, Set<number>>();

  private updatesOf(taskId: number): Set<number> {
    const ids = this.taskUpdates.get(taskId) ?? new Set<number>();
    this.taskUpdates.set(taskId, ids);
    return ids;
  }

  constructor(targets: Iterable<TargetIdentity>) {
    for (const t of targets) {
      this.byName.set(`${t.taskId}\u0000${t.name}`, t.id);
      this.ofTask.set(t.taskId, [...(this.ofTask.get(t.taskId) ?? []), t.id]);
    }
  }

  private task(id: number): ExpectedTask {
    const t = this.tasks.get(id) ?? {};
    this.tasks.set(id, t);
    return t;
  }

  /** Forget what the replay knew of a task: an entry it cannot follow may have changed any of it. */
  private forgetTask(taskId: number): void {
    this.tasks.set(taskId, {});
    for (const id of this.updatesOf(taskId)) this.updates.set(id, null);
    for (const id of this.ofTask.get(taskId) ?? []) if (this.targets.has(id)) this.targets.set(id, null);
  }

  /** As an edit or a retraction leaves it: the percent of the task's latest live update that gives one (see refreshTask). */
  private recomputeProgress(taskId: number): void {
    const t = this.task(taskId);
    if (!t.whole) {
      t.progress = undefined;
      return;
    }
    let latest: { id: number; at: number; percent: number } | null = null;
    for (const id of this.updatesOf(taskId)) {
      const u = this.updates.get(id);
      if (u === null) {
        t.progress = undefined;
        return;
      }
      if (u && u.taskId === taskId && !u.retracted && u.percent !== null && (!latest || u.at > latest.at || (u.at === latest.at && id > latest.id)))
        latest = { id, at: u.at, percent: u.percent };
    }
    t.progress = latest?.percent ?? null;
  }

  private moves(after: Obj | null): void {
    const moved = after?.targets;
    if (!Array.isArray(moved)) return;
    for (const m of moved as Obj[]) if (typeof m.targetId === "number" && typeof m.to === "number") this.targets.set(m.targetId, m.to);
  }

  private targetId(taskId: number | null, after: Obj | null): number | null {
    if (typeof after?.targetId === "number") return after.targetId;
    if (taskId === null || typeof after?.target !== "string") return null;
    return this.byName.get(`${taskId}\u0000${after.target}`) ?? null;
  }

  /** Take the next entry into account; returns whether the replay could follow it. */
  add(e: ReplayEntry): boolean {
    const ok = isLegacy(e) ? false : e.outcome !== "ok" ? true : this.apply(e);
    if (ok) this.replayed++;
    else {
      this.notVerifiable++;
      if (e.outcome === "ok" && !isLegacy(e)) {
        if (e.taskId !== null) this.forgetTask(e.taskId);
        // An update such an entry names (it may have created it) is not verifiable either, rather than "not in the trail".
        const updateId = parse(e.after)?.updateId;
        if (typeof updateId === "number") this.updates.set(updateId, null);
      }
    }
    return ok;
  }

  private apply(e: ReplayEntry): boolean {
    const before = parse(e.before);
    const after = parse(e.after);
    const taskId = e.taskId;
    if (NO_REPLAYED_CHANGE.has(e.action) || e.action.startsWith("directory-")) return true;
    switch (e.action) {
      case "update": {
        const text = textOf(after);
        if (taskId === null || typeof after?.updateId !== "number" || !text) return false;
        this.updatesOf(taskId).add(after.updateId);
        this.updates.set(after.updateId, {
          taskId,
          ...text,
          percent: typeof after.percent === "number" ? after.percent : null,
          author: e.actor,
          retracted: false,
          at: e.at.getTime(),
        });
        if (this.firstUpdateId === null || after.updateId < this.firstUpdateId) this.firstUpdateId = after.updateId;
        // Recording sets the progress when the update gives a percent, and leaves it otherwise.
        if (typeof after.percent === "number") this.task(taskId).progress = after.percent;
        this.moves(after);
        return true;
      }
      case "edit":
      case "edit-move": {
        const text = textOf(after);
        if (taskId === null || typeof after?.updateId !== "number" || !text) return false;
        const known = this.updates.get(after.updateId);
        // An edit keeps the author; an update the trail never saw created stays unverifiable.
        this.updatesOf(taskId).add(after.updateId);
        if (known) this.updates.set(after.updateId, { ...known, taskId, ...text, percent: typeof after.percent === "number" ? after.percent : null });
        else this.updates.set(after.updateId, null);
        if (known && known.taskId !== taskId) this.recomputeProgress(known.taskId);
        this.recomputeProgress(taskId);
        this.moves(after);
        return true;
      }
      case "target-confirm": {
        // A responsible unit's 指标+1 that a lead unit confirmed: the moves, as an update's.
        this.moves(after);
        return true;
      }
      case "retract": {
        if (typeof after?.updateId !== "number") return false;
        const known = this.updates.get(after.updateId);
        this.updates.set(after.updateId, known ? { ...known, retracted: true } : null);
        if (known) this.recomputeProgress(known.taskId);
        else if (taskId !== null) this.task(taskId).progress = undefined;
        this.moves(after);
        return true;
      }
      case "complete":
      case "approve-completion":
      case "reopen": {
        if (taskId === null || !after || !("completedAt" in after)) return false;
        const t = this.task(taskId);
        t.completedAt = typeof after.completedAt === "string" ? new Date(after.completedAt).toISOString() : null;
        t.completedBy = typeof after.completedBy === "string" ? after.completedBy : null;
        return true;
      }
      case "set-deadline": {
        if (taskId === null || !isDeadline(after)) return false;
        this.task(taskId).deadline = { text: after.text, kind: after.kind, date: after.date };
        return true;
      }
      case "approve-extension": {
        // Entries from before the replay give the new deadline's text only.
        if (taskId === null || typeof after?.deadline !== "string" || typeof after.deadlineKind !== "string" || !("deadlineDate" in after)) return false;
        this.task(taskId).deadline = { text: after.deadline, kind: after.deadlineKind, date: (after.deadlineDate as string | null) ?? null };
        return true;
      }
      case "set-lead-units": {
        let units: unknown = null;
        try {
          units = JSON.parse(e.after ?? "null");
        } catch {}
        if (taskId === null || !isStrings(units)) return false;
        this.task(taskId).leadUnits = units;
        return true;
      }
      case "target-set": {
        const id = this.targetId(taskId, after);
        if (id === null || typeof after?.current !== "number") return false;
        this.targets.set(id, after.current);
        return true;
      }
      case "target-add": {
        // Entries from before the replay do not say the count: a target added again keeps its count.
        const id = this.targetId(taskId, after);
        if (id === null) return false;
        if (typeof after?.current === "number") this.targets.set(id, after.current);
        return true;
      }
      case "target-remove":
        return this.targetId(taskId, before) !== null || typeof after?.targetId === "number";
      case "import": {
        // Entries from before the replay list task numbers only; from then on they give each task's values.
        const tasks = after?.tasks;
        if (!Array.isArray(tasks)) return false;
        for (const t of tasks as Obj[]) {
          if (typeof t.id !== "number") continue;
          const x = this.task(t.id);
          if (isDeadline(t.deadline)) x.deadline = { text: t.deadline.text, kind: t.deadline.kind, date: t.deadline.date };
          if (isStrings(t.leadUnits)) x.leadUnits = t.leadUnits;
          if (t.created === true) {
            x.completedAt = null;
            x.completedBy = null;
            x.progress = null;
            x.whole = true;
          }
        }
        for (const t of (Array.isArray(after?.targets) ? after.targets : []) as Obj[])
          if (typeof t.id === "number") this.targets.set(t.id, typeof t.current === "number" ? t.current : 0);
        return true;
      }
      default:
        return false;
    }
  }
}

/** The live tables, as the comparison reads them. Dates as Date, lead units in their order. */
export interface LiveTables {
  tasks: {
    id: number;
    label: string;
    completedAt: Date | null;
    completedBy: string | null;
    /** The progress shown (最新进度), kept in step with the task's latest update that gives a percent. */
    progress: number | null;
    deadline: Deadline;
    /** TaskUnit rows with role lead, by position. */
    leadUnits: string[];
    /** The Task.leadUnits column. */
    leadUnitsColumn: string[];
  }[];
  updates: { id: number; taskId: number; text: string; percent: number | null; authorId: string; retracted: boolean }[];
  targets: { id: number; taskId: number; name: string; current: number }[];
}

/** One value the tables hold differently from the trail. `expected`/`actual` are null where the row is missing. */
export interface Difference {
  taskId: number;
  task: string;
  update?: number;
  target?: string;
  field: string;
  expected: string | null;
  actual: string | null;
}

export interface ReplayReport {
  differences: Difference[];
  /** Entries the replay followed, and those it could not (written before it, or an action it does not know). */
  entries: { replayed: number; notVerifiable: number };
  /** Values compared with the tables, and values no entry vouches for. */
  values: { compared: number; notVerifiable: number };
}

const show = (v: unknown): string => (v === null || v === undefined ? "无" : typeof v === "string" ? v : JSON.stringify(v));
const showDeadline = (d: Deadline) => `${d.text}（${d.kind}${d.date ? ` ${d.date}` : ""}）`;
const sameDeadline = (a: Deadline, b: Deadline) => a.text === b.text && a.kind === b.kind && (a.date ?? null) === (b.date ?? null);

/** Compare what the replay expects with the live tables. */
export function compareWithTables(replay: AuditReplay, live: LiveTables): ReplayReport {
  const differences: Difference[] = [];
  let compared = 0;
  let notVerifiable = 0;
  const labels = new Map(live.tasks.map((t) => [t.id, t.label] as const));
  const label = (taskId: number) => labels.get(taskId) ?? `任务id=${taskId}`;
  const check = (base: Omit<Difference, "field" | "expected" | "actual">, field: string, expected: string | null, actual: string | null) => {
    compared++;
    if (expected !== actual) differences.push({ ...base, field, expected, actual });
  };

  const seen = new Set<number>();
  for (const u of live.updates) {
    seen.add(u.id);
    const want = replay.updates.get(u.id);
    const base = { taskId: u.taskId, task: label(u.taskId), update: u.id };
    if (want === undefined) {
      if (replay.firstUpdateId !== null && u.id > replay.firstUpdateId) check(base, "row", null, show(u.text));
      else notVerifiable += 5;
      continue;
    }
    if (want === null) {
      notVerifiable += 5;
      continue;
    }
    check(base, "task", label(want.taskId), label(u.taskId));
    compared++;
    if (textHash(u.text) !== want.textHash)
      differences.push({
        ...base,
        field: "text",
        expected: want.text === null ? `sha256 ${want.textHash.slice(0, 12)}…` : `“${want.text}”`,
        actual: `“${u.text}”`,
      });
    check(base, "percent", show(want.percent), show(u.percent));
    check(base, "author", want.author, u.authorId);
    check(base, "retracted", String(want.retracted), String(u.retracted));
  }
  for (const [id, want] of replay.updates)
    if (want && !seen.has(id)) check({ taskId: want.taskId, task: label(want.taskId), update: id }, "row", show(want.text ?? want.textHash), null);

  for (const t of live.tasks) {
    const want = replay.tasks.get(t.id) ?? {};
    const base = { taskId: t.id, task: t.label };
    if (want.progress !== undefined) check(base, "progress", show(want.progress), show(t.progress));
    else notVerifiable++;
    if (want.completedAt !== undefined) {
      check(base, "completedAt", want.completedAt, t.completedAt?.toISOString() ?? null);
      check(base, "completedBy", want.completedBy ?? null, t.completedBy);
    } else notVerifiable += 2;
    if (want.deadline) {
      compared++;
      if (!sameDeadline(want.deadline, t.deadline))
        differences.push({ ...base, field: "deadline", expected: showDeadline(want.deadline), actual: showDeadline(t.deadline) });
    } else notVerifiable++;
    if (want.leadUnits) {
      check(base, "leadUnits", want.leadUnits.join("、"), t.leadUnits.join("、"));
      check(base, "leadUnits(Task)", want.leadUnits.join("、"), t.leadUnitsColumn.join("、"));
    } else notVerifiable += 2;
  }

  for (const t of live.targets) {
    const want = replay.targets.get(t.id);
    if (want === undefined || want === null) notVerifiable++;
    else check({ taskId: t.taskId, task: label(t.taskId), target: t.name }, "current", String(want), String(t.current));
  }
  return { differences, entries: { replayed: replay.replayed, notVerifiable: replay.notVerifiable }, values: { compared, notVerifiable } };
}

/** One line per difference: `任务6 更新#12 percent: 审计记录为60，数据库为100`. */
export function differenceLine(d: Difference): string {
  const what = `${d.task}${d.update !== undefined ? ` 更新#${d.update}` : ""}${d.target !== undefined ? ` 指标“${d.target}”` : ""}`;
  if (d.field === "row")
    return d.actual === null ? `${what}: 审计记录中有，数据库中没有（${d.expected}）` : `${what}: 数据库中有，审计记录中没有（${d.actual}）`;
  return `${what} ${d.field}: 审计记录为${d.expected ?? "无"}，数据库为${d.actual ?? "无"}`;
}
