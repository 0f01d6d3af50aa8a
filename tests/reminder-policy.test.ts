import { describe, expect, it } from "vitest";
import type { Deadline } from "../src/plan/types.js";
import {
  defaultReminderPolicy,
  dueReminders,
  nominalWindow,
  reminderPolicySchema,
  type DueReminder,
  type PolicyTask,
  type ReminderPolicy,
} from "../src/reminders/reminder-policy.js";
import { createWorkingCalendar, dayFromNumber, dayNumber, workingCalendarFrom, type WorkingCalendar } from "../src/reminders/working-calendar.js";

const calendar = createWorkingCalendar();
const OFFICE = "科技办";
const ctx = { calendar, policy: defaultReminderPolicy, officeUnit: OFFICE };

function addDays(day: string, n: number): string {
  return dayFromNumber(dayNumber(day) + n);
}

function dateDeadline(date: string): Deadline {
  return { text: `${date.slice(0, 4)}年底前`, kind: "date", date };
}
function milestoneDeadline(date: string): Deadline {
  return { text: `持续推进、${date.slice(0, 4)}年底前基本完成`, kind: "date+ongoing", date };
}
const ONGOING: Deadline = { text: "持续推进", kind: "ongoing", date: null };

function task(overrides: Partial<PolicyTask> = {}): PolicyTask {
  return {
    id: 100,
    number: 1,
    leadUnits: ["指挥情报中心"],
    deadline: dateDeadline("2024-06-28"),
    done: false,
    paused: false,
    lastUpdateDay: null,
    startDay: "2024-01-01",
    ...overrides,
  };
}

/** Compact "kind occurrence unit [+n/-n]" lines for one run day. */
function lines(tasks: PolicyTask[], runDay: string, context = ctx): string[] {
  return dueReminders(tasks, runDay, context).map(show);
}
function show(r: DueReminder): string {
  const extra = r.daysLeft !== undefined ? ` -${r.daysLeft}` : r.daysOverdue !== undefined ? ` +${r.daysOverdue}` : "";
  return `#${r.taskNumber} ${r.kind} ${r.occurrence} ${r.unit}${extra}`;
}

describe("reminderPolicySchema", () => {
  it("fills every default from an empty object", () => {
    expect(reminderPolicySchema.parse({})).toEqual({
      beforeDays: [30, 7, 1],
      overdueEveryDays: 7,
      escalateAfterDays: 14,
      reportDayOfMonth: 25,
      staleAfterDays: 30,
      staleSkipIfReportWithinDays: 7,
      cron: "0 9 * * *",
      digestCron: "0 9 * * 1",
      digestEnabled: true,
      timezone: "Asia/Shanghai",
      catchUpDays: 3,
      sweepMinutes: 5,
      workingHours: ["08:30-12:00", "14:30-17:30"],
    });
    expect(defaultReminderPolicy).toEqual(reminderPolicySchema.parse({}));
  });

  it("sweeps every 1 to 60 whole minutes, and refuses any other interval", () => {
    expect(reminderPolicySchema.parse({ sweepMinutes: 15 }).sweepMinutes).toBe(15);
    expect(reminderPolicySchema.parse({ sweepMinutes: 60 }).sweepMinutes).toBe(60);
    for (const bad of [0, -5, 61, 2.5, "5"]) expect(reminderPolicySchema.safeParse({ sweepMinutes: bad }).success, String(bad)).toBe(false);
  });

  it("sorts beforeDays from the earliest warning to the latest and drops duplicates", () => {
    expect(reminderPolicySchema.parse({ beforeDays: [1, 14, 7, 14] }).beforeDays).toEqual([14, 7, 1]);
  });

  it("rejects a report day that some months do not have, a zero interval and an unknown time zone", () => {
    expect(reminderPolicySchema.safeParse({ reportDayOfMonth: 31 }).success).toBe(false);
    expect(reminderPolicySchema.safeParse({ overdueEveryDays: 0 }).success).toBe(false);
    expect(reminderPolicySchema.safeParse({ beforeDays: [0] }).success).toBe(false);
    expect(reminderPolicySchema.safeParse({ timezone: "Mars/Olympus" }).success).toBe(false);
  });
});

describe("nominalWindow", () => {
  it("is null on a day that is not a working day", () => {
    expect(nominalWindow("2024-10-01", calendar)).toBeNull();
    expect(nominalWindow("2024-06-08", calendar)).toBeNull();
  });

  it("covers the days off ahead for before/due and the days off behind for the others", () => {
    expect(nominalWindow("2024-09-30", calendar)).toEqual({
      runDay: "2024-09-30",
      backward: { first: "2024-09-30", last: "2024-10-07" },
      forward: { first: "2024-09-30", last: "2024-09-30" },
    });
    expect(nominalWindow("2024-10-08", calendar)).toEqual({
      runDay: "2024-10-08",
      backward: { first: "2024-10-08", last: "2024-10-08" },
      forward: { first: "2024-10-01", last: "2024-10-08" },
    });
    // Friday 2024-06-07 is followed by a weekend and the Dragon Boat Festival (Monday 2024-06-10).
    expect(nominalWindow("2024-06-07", calendar)?.backward).toEqual({ first: "2024-06-07", last: "2024-06-10" });
    expect(nominalWindow("2024-06-11", calendar)?.forward).toEqual({ first: "2024-06-08", last: "2024-06-11" });
  });
});

describe("dueReminders: one kind at a time (deadline 2024-06-28, a Friday)", () => {
  const fresh = "2024-06-20"; // a recent update, so no stale reminder gets in the way
  it.each<[string, PolicyTask, string, string[]]>([
    ["a 30-day warning", task({ lastUpdateDay: fresh }), "2024-05-29", ["#1 before 2024-05-29 指挥情报中心 -30"]],
    ["a 7-day warning", task({ lastUpdateDay: fresh }), "2024-06-21", ["#1 before 2024-06-21 指挥情报中心 -7"]],
    ["a 1-day warning", task({ lastUpdateDay: fresh }), "2024-06-27", ["#1 before 2024-06-27 指挥情报中心 -1"]],
    ["the due reminder on the deadline", task({ lastUpdateDay: fresh }), "2024-06-28", ["#1 due 2024-06-28 指挥情报中心 -0"]],
    ["nothing on an ordinary day", task({ lastUpdateDay: fresh }), "2024-06-26", []],
    ["the first overdue reminder, without escalation", task({ lastUpdateDay: fresh }), "2024-07-05", ["#1 overdue 2024-07-05 指挥情报中心 +7"]],
    [
      "the second overdue reminder with an escalation to the office at 14 days",
      task({ lastUpdateDay: "2024-07-01" }),
      "2024-07-12",
      ["#1 overdue 2024-07-12 指挥情报中心 +14", `#1 escalation 2024-07-12 ${OFFICE} +14`],
    ],
    [
      "a report request for an ongoing task on the 25th",
      task({ deadline: ONGOING, lastUpdateDay: fresh }),
      "2024-06-25",
      ["#1 report-due 2024-06-25 指挥情报中心"],
    ],
    [
      "no report request for a milestone task before its milestone",
      task({ deadline: milestoneDeadline("2024-06-28"), lastUpdateDay: fresh }),
      "2024-06-25",
      [],
    ],
    [
      "a report request for a milestone task after its milestone",
      task({ deadline: milestoneDeadline("2024-06-28"), lastUpdateDay: "2024-07-20" }),
      "2024-07-25",
      ["#1 report-due 2024-07-25 指挥情报中心"],
    ],
    [
      "the due reminder but no overdue reminder for a milestone task",
      task({ deadline: milestoneDeadline("2024-06-28"), lastUpdateDay: fresh }),
      "2024-07-05",
      [],
    ],
    [
      "a stale reminder 30 days after the last update",
      task({ deadline: dateDeadline("2024-12-31"), lastUpdateDay: "2024-05-06" }),
      "2024-06-05",
      ["#1 stale 2024-06-05 指挥情报中心"],
    ],
    [
      "a stale reminder 60 days after the start day when there is no update",
      task({ deadline: dateDeadline("2024-12-31"), startDay: "2024-04-05" }),
      "2024-06-04",
      ["#1 stale 2024-06-04 指挥情报中心"],
    ],
  ])("sends %s", (_name, t, runDay, expected) => {
    expect(lines([t], runDay)).toEqual(expected);
  });
});

describe("dueReminders: moving to working days", () => {
  it("moves a due date on a holiday back to the previous working day", () => {
    const t = task({ deadline: dateDeadline("2024-10-03"), lastUpdateDay: "2024-09-20" });
    expect(lines([t], "2024-09-30")).toEqual(["#1 before 2024-10-02 指挥情报中心 -1", "#1 due 2024-10-03 指挥情报中心 -0"]);
    expect(lines([t], "2024-10-08")).toEqual([]);
  });

  it("moves a due date on a Saturday back to Friday", () => {
    const t = task({ deadline: dateDeadline("2024-05-25"), lastUpdateDay: "2024-05-20" });
    expect(lines([t], "2024-05-24")).toEqual(["#1 before 2024-05-24 指挥情报中心 -1", "#1 due 2024-05-25 指挥情报中心 -0"]);
    expect(lines([t], "2024-05-27")).toEqual([]);
  });

  it("moves an overdue date on a weekend forward to Monday", () => {
    // Deadline Saturday 2024-05-25, first overdue reminder Saturday 2024-06-01, sent Monday 2024-06-03.
    const t = task({ deadline: dateDeadline("2024-05-25"), lastUpdateDay: "2024-05-20" });
    expect(lines([t], "2024-05-31")).toEqual([]);
    expect(lines([t], "2024-06-03")).toEqual(["#1 overdue 2024-06-01 指挥情报中心 +7"]);
  });

  it("moves an overdue date on a weekend followed by a holiday to the next working day", () => {
    // 2024-06-08 is a Saturday and Monday 2024-06-10 is the Dragon Boat Festival.
    const t = task({ deadline: dateDeadline("2024-06-01"), lastUpdateDay: "2024-05-28" });
    expect(lines([t], "2024-06-07")).toEqual([]);
    expect(lines([t], "2024-06-11")).toEqual(["#1 overdue 2024-06-08 指挥情报中心 +7"]);
  });

  it("sends every overdue occurrence that fell inside a long holiday, each with its own escalation", () => {
    const t = task({ deadline: dateDeadline("2024-09-17"), lastUpdateDay: "2024-09-20" });
    expect(lines([t], "2024-10-08")).toEqual([
      "#1 overdue 2024-10-01 指挥情报中心 +14",
      `#1 escalation 2024-10-01 ${OFFICE} +14`,
      "#1 overdue 2024-10-08 指挥情报中心 +21",
      `#1 escalation 2024-10-08 ${OFFICE} +21`,
    ]);
  });

  it("moves a report day on a Sunday forward to Monday", () => {
    // 2024-08-25 is a Sunday.
    const t = task({ deadline: ONGOING, lastUpdateDay: "2024-08-20" });
    expect(lines([t], "2024-08-23")).toEqual([]);
    expect(lines([t], "2024-08-26")).toEqual(["#1 report-due 2024-08-25 指挥情报中心"]);
  });

  it("sends nothing at all on a day that is not a working day", () => {
    const tasks = [
      task({ id: 1, deadline: dateDeadline("2024-10-01") }),
      task({ id: 2, deadline: dateDeadline("2024-09-01") }),
      task({ id: 3, deadline: ONGOING, startDay: "2024-08-01" }),
    ];
    expect(dueReminders(tasks, "2024-10-01", ctx)).toEqual([]);
    expect(dueReminders(tasks, "2024-10-05", ctx)).toEqual([]);
  });

  it("uses any WorkingCalendar passed in, such as a fake where every day is a working day", () => {
    const everyDay = workingCalendarFrom(() => true);
    const t = task({ deadline: dateDeadline("2024-05-25"), lastUpdateDay: "2024-05-20" });
    expect(lines([t], "2024-05-24", { ...ctx, calendar: everyDay })).toEqual(["#1 before 2024-05-24 指挥情报中心 -1"]);
    expect(lines([t], "2024-05-25", { ...ctx, calendar: everyDay })).toEqual(["#1 due 2024-05-25 指挥情报中心 -0"]);
  });
});

describe("dueReminders: stale reminders near a report request", () => {
  const ongoing = (lastUpdateDay: string) => task({ deadline: ONGOING, lastUpdateDay });

  it("skips a stale reminder when a report was requested 1 day before it", () => {
    // Stale nominal 2024-06-26, report 2024-06-25.
    expect(lines([ongoing("2024-05-27")], "2024-06-26")).toEqual([]);
  });

  it("skips a stale reminder on the report day itself and sends only the report", () => {
    // Stale nominal 2024-06-25 = report day.
    expect(lines([ongoing("2024-05-26")], "2024-06-25")).toEqual(["#1 report-due 2024-06-25 指挥情报中心"]);
  });

  it("skips a stale reminder 6 days after a report and sends one 7 days after (window of 7 days ending on it)", () => {
    expect(lines([ongoing("2024-06-01")], "2024-07-01")).toEqual([]);
    expect(lines([ongoing("2024-06-02")], "2024-07-02")).toEqual(["#1 stale 2024-07-02 指挥情报中心"]);
  });

  it("does not skip for a milestone task whose reports have not started yet", () => {
    const t = task({ deadline: milestoneDeadline("2024-12-31"), lastUpdateDay: "2024-05-27" });
    expect(lines([t], "2024-06-26")).toEqual(["#1 stale 2024-06-26 指挥情报中心"]);
  });

  it("never skips for a dated task, which gets no report requests", () => {
    const t = task({ deadline: dateDeadline("2024-12-31"), lastUpdateDay: "2024-05-27" });
    expect(lines([t], "2024-06-26")).toEqual(["#1 stale 2024-06-26 指挥情报中心"]);
  });

  it("keeps reminding every 30 days while no update comes", () => {
    const t = task({ deadline: dateDeadline("2024-12-31"), lastUpdateDay: "2024-05-06" });
    expect(lines([t], "2024-07-05")).toEqual(["#1 stale 2024-07-05 指挥情报中心"]);
  });
});

describe("dueReminders: what gets nothing", () => {
  it.each<[string, Partial<PolicyTask>]>([
    ["a done task", { done: true }],
    ["a paused task", { paused: true }],
    ["a task with an unknown deadline", { deadline: { text: "尽快", kind: "unknown", date: null } }],
    ["a task whose dates are not valid days", { startDay: "2024-13-01" }],
  ])("sends nothing for %s", (_name, overrides) => {
    const t = task({ deadline: dateDeadline("2024-06-28"), ...overrides });
    for (const day of ["2024-05-29", "2024-06-28", "2024-07-05", "2024-07-12", "2024-06-25"]) {
      expect(dueReminders([t], day, ctx), day).toEqual([]);
    }
  });

  it("sends nothing with a nominal date before the start day", () => {
    const t = task({ deadline: dateDeadline("2024-06-28"), startDay: "2024-06-25", lastUpdateDay: "2024-06-25" });
    expect(lines([t], "2024-05-29")).toEqual([]);
    expect(lines([t], "2024-06-21")).toEqual([]);
    expect(lines([t], "2024-06-27")).toEqual(["#1 before 2024-06-27 指挥情报中心 -1"]);
    const late = task({ deadline: ONGOING, startDay: "2024-06-26", lastUpdateDay: "2024-06-26" });
    expect(lines([late], "2024-06-25")).toEqual([]);
    expect(lines([late], "2024-07-25")).toEqual(["#1 report-due 2024-07-25 指挥情报中心"]);
  });

  it("rejects a run day that is not a YYYY-MM-DD day", () => {
    expect(() => dueReminders([task()], "2024-6-28", ctx)).toThrow(RangeError);
  });
});

describe("dueReminders: units", () => {
  it("sends to every lead unit, passes collective units through and escalates once per task", () => {
    const t = task({
      leadUnits: ["刑侦大队", "局属各单位", "网安大队"],
      deadline: dateDeadline("2024-06-28"),
      lastUpdateDay: "2024-07-01",
    });
    expect(lines([t], "2024-07-12")).toEqual([
      "#1 overdue 2024-07-12 刑侦大队 +14",
      "#1 overdue 2024-07-12 局属各单位 +14",
      "#1 overdue 2024-07-12 网安大队 +14",
      `#1 escalation 2024-07-12 ${OFFICE} +14`,
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The bundled plan (src/plan/bundled/mingxi-2023-2025.txt), issued 2023-11-18.

const PLAN_START = "2023-11-18";
const PLAN_TASKS: PolicyTask[] = [
  { number: 4, leadUnits: ["指挥情报中心", "政工室", "刑侦大队"], deadline: dateDeadline("2024-12-31") },
  { number: 5, leadUnits: ["城关派出所", "刑侦大队", "指挥情报中心"], deadline: dateDeadline("2024-12-31") },
  { number: 6, leadUnits: ["刑侦大队", "网安大队", "指挥情报中心"], deadline: dateDeadline("2024-12-31") },
  { number: 20, leadUnits: ["指挥情报中心"], deadline: dateDeadline("2024-12-31") },
  { number: 21, leadUnits: ["指挥情报中心"], deadline: dateDeadline("2024-12-31") },
  { number: 22, leadUnits: ["指挥情报中心"], deadline: dateDeadline("2024-12-31") },
  { number: 25, leadUnits: ["指挥情报中心"], deadline: milestoneDeadline("2024-12-31") },
].map((t) => ({ ...t, id: 1000 + t.number, done: false, paused: false, lastUpdateDay: null, startDay: PLAN_START }));

describe("dueReminders: acceptance with tasks of the bundled plan", () => {
  it("sends the due reminders for tasks 4, 5, 6, 20, 21, 22 and 25 on 2024-12-31", () => {
    const due = dueReminders(PLAN_TASKS, "2024-12-31", ctx);
    expect(due.every((r) => r.kind === "due" && r.occurrence === "2024-12-31")).toBe(true);
    expect([...new Set(due.map((r) => r.taskNumber))]).toEqual([4, 5, 6, 20, 21, 22, 25]);
    expect(due.filter((r) => r.taskNumber === 4).map((r) => r.unit)).toEqual(["指挥情报中心", "政工室", "刑侦大队"]);
    expect(due).toHaveLength(3 + 3 + 3 + 1 + 1 + 1 + 1);
  });

  it("sends nothing on 2024-10-01 (National Day)", () => {
    expect(dueReminders(PLAN_TASKS, "2024-10-01", ctx)).toEqual([]);
  });

  it("sends the 30-day warning for 2024-12-31, which falls on a Sunday, on Friday 2024-11-29", () => {
    const due = dueReminders(PLAN_TASKS, "2024-11-29", ctx).filter((r) => r.kind === "before");
    expect(due.map((r) => r.taskNumber)).toEqual([4, 4, 4, 5, 5, 5, 6, 6, 6, 20, 21, 22, 25]);
    expect(due.every((r) => r.occurrence === "2024-12-01" && r.daysLeft === 30)).toBe(true);
  });

  it("escalates the unfinished dated tasks to the office 14 days after 2024-12-31, but not task 25", () => {
    const onDay7 = dueReminders(PLAN_TASKS, "2025-01-07", ctx);
    expect(onDay7.filter((r) => r.kind === "escalation")).toEqual([]);
    expect(new Set(onDay7.filter((r) => r.kind === "overdue").map((r) => r.taskNumber))).toEqual(new Set([4, 5, 6, 20, 21, 22]));
    const onDay14 = dueReminders(PLAN_TASKS, "2025-01-14", ctx).filter((r) => r.kind === "escalation");
    expect(onDay14).toEqual(
      [4, 5, 6, 20, 21, 22].map((n) => ({
        taskId: 1000 + n,
        taskNumber: n,
        unit: OFFICE,
        kind: "escalation",
        occurrence: "2025-01-14",
        daysOverdue: 14,
      })),
    );
  });

  it("asks for task 25's progress report on 2025-01-25's next working day once its milestone has passed", () => {
    // 2025-01-25 is a Saturday but Sunday 2025-01-26 is a 补班 makeup working day.
    expect(calendar.isWorkday("2025-01-26")).toBe(true);
    const reports = dueReminders(PLAN_TASKS, "2025-01-26", ctx).filter((r) => r.kind === "report-due");
    expect(reports.map(show)).toEqual(["#25 report-due 2025-01-25 指挥情报中心"]);
    expect(dueReminders(PLAN_TASKS, "2024-12-25", ctx).filter((r) => r.kind === "report-due")).toEqual([]);
  });

  it("returns the same reminders when a day is run twice, so a catch-up run can dedupe", () => {
    expect(dueReminders(PLAN_TASKS, "2025-01-14", ctx)).toEqual(dueReminders(PLAN_TASKS, "2025-01-14", ctx));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A day-by-day walk, checked against a naive oracle that lists every nominal reminder by scanning days.

interface Expected {
  key: string;
  sendDay: string;
}

/** Every nominal reminder of `t` with a nominal date up to `until`, by brute force over the days. */
function naiveNominalReminders(t: PolicyTask, until: string, policy: ReminderPolicy, cal: WorkingCalendar): Expected[] {
  const out: Expected[] = [];
  const { kind, date } = t.deadline;
  const start = t.startDay!; // every task here gives its own
  const add = (k: string, nominal: string, unit: string, back: boolean) => {
    if (nominal < start) return;
    out.push({ key: `${k}|${nominal}|${unit}`, sendDay: back ? cal.workdayOnOrBefore(nominal) : cal.workdayOnOrAfter(nominal) });
  };
  const isReport = (day: string) =>
    Number(day.slice(8, 10)) === policy.reportDayOfMonth && day >= start && (kind === "ongoing" || (kind === "date+ongoing" && date !== null && day > date));
  const ref = t.lastUpdateDay ?? start;
  for (let day = start; day <= until; day = addDays(day, 1)) {
    for (const unit of t.leadUnits) {
      if (date !== null && (kind === "date" || kind === "date+ongoing")) {
        for (const d of policy.beforeDays) if (day === addDays(date, -d)) add("before", day, unit, true);
        if (day === date) add("due", day, unit, true);
      }
      if (kind === "date" && date !== null && day > date && (dayNumber(day) - dayNumber(date)) % policy.overdueEveryDays === 0) {
        add("overdue", day, unit, false);
      }
      if (isReport(day)) add("report-due", day, unit, false);
      if (day > ref && (dayNumber(day) - dayNumber(ref)) % policy.staleAfterDays === 0) {
        let nearReport = false;
        for (let back = 0; back < policy.staleSkipIfReportWithinDays; back++) if (isReport(addDays(day, -back))) nearReport = true;
        if (!nearReport) add("stale", day, unit, false);
      }
    }
    if (kind === "date" && date !== null && day > date) {
      const overdue = dayNumber(day) - dayNumber(date);
      if (overdue % policy.overdueEveryDays === 0 && overdue >= policy.escalateAfterDays) add("escalation", day, OFFICE, false);
    }
  }
  return out;
}

describe("dueReminders: a day-by-day walk from 2023-11-18 to 2026-01-31", () => {
  const first = "2023-11-18";
  const last = "2026-01-31";

  it.each<[string, PolicyTask]>([
    ["a dated task (task 6, 2024-12-31, never done, last update 2024-03-10)", { ...PLAN_TASKS[2]!, lastUpdateDay: "2024-03-10" }],
    ["a milestone-then-ongoing task (task 25, 2024-12-31, no update)", PLAN_TASKS[6]!],
    [
      "an ongoing task (task 8, no update)",
      {
        id: 1008,
        number: 8,
        leadUnits: ["指挥情报中心", "治安大队"],
        deadline: ONGOING,
        done: false,
        paused: false,
        lastUpdateDay: null,
        startDay: PLAN_START,
      },
    ],
  ])("emits each nominal reminder of %s exactly once, on its shifted working day", (_name, t) => {
    // Nominal dates a little past the end can still be sent (moved back) within the walk.
    const expected = naiveNominalReminders(t, addDays(last, 40), defaultReminderPolicy, calendar).filter((e) => e.sendDay >= first && e.sendDay <= last);
    const seen = new Map<string, string[]>();
    let workingDays = 0;
    for (let day = first; day <= last; day = addDays(day, 1)) {
      const due = dueReminders([t], day, ctx);
      if (!calendar.isWorkday(day)) {
        expect(due, day).toEqual([]);
        continue;
      }
      workingDays++;
      for (const r of due) {
        const key = `${r.kind}|${r.occurrence}|${r.unit}`;
        seen.set(key, [...(seen.get(key) ?? []), day]);
      }
    }
    expect(workingDays).toBeGreaterThan(500);
    const actual = [...seen.entries()].map(([key, days]) => ({ key, days })).sort((a, b) => a.key.localeCompare(b.key));
    const wanted = expected.map((e) => ({ key: e.key, days: [e.sendDay] })).sort((a, b) => a.key.localeCompare(b.key));
    expect(actual).toEqual(wanted);
    // Every kind the task can get shows up in the walk.
    const kinds = new Set(actual.map((a) => a.key.split("|")[0]));
    const kindsFor: Record<string, string[]> = {
      date: ["before", "due", "overdue", "escalation", "stale"],
      "date+ongoing": ["before", "due", "report-due", "stale"],
      ongoing: ["report-due", "stale"],
    };
    expect([...kinds].sort()).toEqual([...(kindsFor[t.deadline.kind] ?? [])].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("dueReminders: scale", () => {
  // Speed is measured in bench/, not asserted here: timed tests flake on shared machines.
  it("computes one run over 100,000 tasks without failing", () => {
    const kinds: Deadline[] = [dateDeadline("2024-12-31"), milestoneDeadline("2024-06-30"), ONGOING, dateDeadline("2025-03-01")];
    const tasks: PolicyTask[] = Array.from({ length: 100_000 }, (_, i) => ({
      id: i,
      number: i,
      leadUnits: i % 3 === 0 ? ["指挥情报中心", "刑侦大队"] : ["指挥情报中心"],
      deadline: kinds[i % kinds.length]!,
      done: i % 10 === 0,
      paused: false,
      lastUpdateDay: i % 5 === 0 ? null : addDays("2024-09-01", i % 60),
      startDay: "2023-11-18",
    }));
    const due = dueReminders(tasks, "2025-01-14", ctx);
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((r) => r.taskId % 10 !== 0)).toBe(true);
  });
});
