import type { TaskRecord } from "../../core/model.js";
import type { Sql } from "../../db/sql.js";

/** One changed task since the last read: its new record, or null when it was deleted or moved to another plan. */
export interface TaskChange {
  taskId: number;
  seq: number;
  task: TaskRecord | null;
}

/**
 * Reads every task of a plan, or the tasks changed since a seq (TaskChange rows with a higher seq, with
 * their task when it still exists, in any order), with the highest seq committed at that moment.
 * The statements must all be issued before the first await (the SQLite client runs them at call time), so
 * that `sql.inTransaction`, read just before, holds for all of them.
 */
export interface TaskReader {
  all(planId: number): { seq: Promise<number>; tasks: Promise<TaskRecord[]> };
  /** With the highest seq there is: below `seq` when TaskChange was emptied or the file replaced. */
  since(seq: number): Promise<{ changes: TaskChange[]; maxSeq: number }>;
}

interface Entry {
  seq: number;
  byId: Map<number, TaskRecord>;
  /** byId's records by number; null after a task was added, removed or renumbered, until the next read. */
  list: TaskRecord[] | null;
}

/**
 * The task lists of plans (overview, due-soon, overdue, unit views, reports), kept in memory between reads.
 * Triggers on Task, Target and Section raise a task's TaskChange.seq at each write, from any process
 * (prisma/migrations/…_task_change); a read first asks which tasks passed the last seq seen, and reads only those.
 * An overview of 10,000 tasks thus reads a few rows instead of 10,000.
 *
 * - Records are frozen: they are shared by every caller, and a caller that changed one would change them all.
 * - It fills only from committed rows. Inside a transaction (a group commit holding updates not yet committed)
 *   the changes are laid over a copy, so a rollback cannot leave rows in memory that the database no longer has.
 */
export class TaskListCache {
  private readonly plans = new Map<number, Entry>();

  constructor(
    private readonly sql: Sql,
    private readonly read: TaskReader,
  ) {}

  async tasks(planId: number): Promise<TaskRecord[]> {
    const entry = this.plans.get(planId);
    if (entry) {
      const committed = !this.sql.inTransaction;
      const { changes, maxSeq } = await this.read.since(entry.seq);
      // The counter went backwards (TaskChange emptied, the file replaced): what is in memory cannot be trusted.
      if (maxSeq < entry.seq) this.plans.delete(planId);
      else {
        if (changes.length === 0) return listOf(entry).slice();
        // Frozen on every path, so a caller that changed a record would fail every time, not only sometimes.
        for (const c of changes) if (c.task) freeze(c.task);
        if (!committed) {
          const copy: Entry = { seq: entry.seq, byId: new Map(entry.byId), list: entry.list?.slice() ?? null };
          apply(copy, planId, changes);
          return listOf(copy);
        }
        apply(entry, planId, changes);
        return listOf(entry).slice();
      }
    }
    const committed = !this.sql.inTransaction;
    const { seq, tasks } = this.read.all(planId);
    const [s, list] = await Promise.all([seq, tasks]);
    for (const t of list) freeze(t);
    if (!committed) return list;
    this.plans.set(planId, { seq: s, byId: new Map(list.map((t) => [t.id, t])), list });
    return list.slice();
  }
}

function apply(entry: Entry, planId: number, changes: TaskChange[]): void {
  for (const { taskId, seq, task } of changes) {
    if (seq > entry.seq) entry.seq = seq;
    const old = entry.byId.get(taskId);
    if (task && task.planId === planId) {
      entry.byId.set(taskId, task);
      if (!old || old.number !== task.number) entry.list = null;
      else if (entry.list) entry.list[indexOf(entry.list, old.number)] = task;
    } else if (old) {
      entry.byId.delete(taskId);
      entry.list = null;
    }
  }
}

function listOf(entry: Entry): TaskRecord[] {
  entry.list ??= [...entry.byId.values()].sort((a, b) => a.number - b.number);
  return entry.list;
}

/** Binary search of a list sorted by number, in which `number` is present. */
function indexOf(list: TaskRecord[], number: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.number < number) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function freeze(t: TaskRecord): void {
  Object.freeze(t.deadline);
  if (t.originalDeadline) Object.freeze(t.originalDeadline);
  Object.freeze(t.leadUnits);
  Object.freeze(t.responsibleUnits);
  for (const x of t.targets) Object.freeze(x);
  Object.freeze(t.targets);
  Object.freeze(t);
}
