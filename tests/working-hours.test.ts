import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { formatDateTime } from "../src/core/time.js";
import { loadReminderPolicy, ReminderPolicyError } from "../src/reminders/load-policy.js";
import { defaultReminderPolicy, reminderPolicySchema } from "../src/reminders/reminder-policy.js";
import { createWorkingCalendar } from "../src/reminders/working-calendar.js";
import { addWorkingHours, isWorkingTime, parseWorkingPeriods, workingHoursBetween, workingHoursOf, type WorkingHours } from "../src/reminders/working-hours.js";

const calendar = createWorkingCalendar();
const wh = workingHoursOf(defaultReminderPolicy);

/** An instant written in Beijing time: `at("2024-06-03 09:00")`. */
function at(local: string): Date {
  return new Date(`${local.replace(" ", "T")}${local.length === 16 ? ":00" : ""}+08:00`);
}
/** Beijing wall time of an instant, with seconds only when there are any. */
function show(d: Date): string {
  const s = new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(17, 19);
  return formatDateTime(d) + (s === "00" ? "" : `:${s}`);
}
function add(from: string, hours: number, hoursOf: WorkingHours = wh): string {
  return show(addWorkingHours(at(from), hours, hoursOf, calendar));
}

describe("the calendar days the tables below rely on", () => {
  it.each([
    ["2024-02-04", true, "Sunday, 补班 before the Spring Festival"],
    ["2024-02-09", true, "Friday, 除夕 eve is worked"],
    ["2024-02-10", false, "Saturday, Spring Festival"],
    ["2024-02-17", false, "Saturday, last day of the Spring Festival"],
    ["2024-02-18", true, "Sunday, 补班 after the Spring Festival"],
    ["2024-04-28", true, "Sunday, 补班 before May Day"],
    ["2024-05-01", false, "Wednesday, May Day"],
    ["2024-05-05", false, "Sunday, last day of May Day"],
    ["2024-05-11", true, "Saturday, 补班 after May Day"],
    ["2024-06-10", false, "Monday, Dragon Boat Festival"],
    ["2024-09-29", true, "Sunday, 补班 before National Day"],
    ["2024-10-01", false, "Tuesday, National Day"],
    ["2024-10-07", false, "Monday, last day of National Day"],
    ["2024-10-12", true, "Saturday, 补班 after National Day"],
    ["2025-01-01", false, "Wednesday, New Year's Day"],
  ])("%s is a working day: %s (%s)", (day, working) => {
    expect(calendar.isWorkday(day)).toBe(working);
  });
});

describe("addWorkingHours with the default hours (08:30–12:00, 14:30–17:30, Beijing time)", () => {
  it.each([
    // within a day
    ["2024-06-03 09:00", 1, "2024-06-03 10:00", "inside the morning"],
    ["2024-06-03 08:30", 3.5, "2024-06-03 12:00", "to exactly the end of the morning, not the start of the afternoon"],
    ["2024-06-03 11:00", 2, "2024-06-03 15:30", "across lunch"],
    ["2024-06-03 12:00", 1, "2024-06-03 15:30", "from exactly 12:00"],
    ["2024-06-03 13:00", 1, "2024-06-03 15:30", "from lunch, starting at 14:30"],
    ["2024-06-03 14:30", 3, "2024-06-03 17:30", "to exactly the end of the afternoon"],
    ["2024-06-03 10:00", 6.5, "2024-06-04 10:00", "a whole working day later"],
    // nights
    ["2024-06-03 16:00", 4, "2024-06-04 11:00", "across the night"],
    ["2024-06-03 17:30", 1, "2024-06-04 09:30", "from exactly 17:30"],
    ["2024-06-03 20:00", 4, "2024-06-04 15:00", "from the evening, starting at the next morning's 08:30"],
    ["2024-06-04 02:00", 1, "2024-06-04 09:30", "from the small hours"],
    ["2024-06-03 10:00", 8, "2024-06-04 11:30", "escalation's 8 hours"],
    // weekends and holidays
    ["2024-06-14 16:30", 4, "2024-06-17 11:30", "across an ordinary weekend"],
    ["2024-06-15 10:00", 1, "2024-06-17 09:30", "from a Saturday"],
    ["2024-06-07 16:30", 4, "2024-06-11 11:30", "across a weekend and the Dragon Boat Festival Monday"],
    ["2024-02-09 16:30", 4, "2024-02-18 11:30", "across the Spring Festival into its Sunday 补班"],
    ["2024-02-03 10:00", 1, "2024-02-04 09:30", "from a Saturday into the Sunday 补班"],
    ["2024-02-04 17:00", 1, "2024-02-05 09:00", "from the Sunday 补班 into Monday"],
    ["2024-09-28 12:00", 1, "2024-09-29 09:30", "into the Sunday 补班 before National Day"],
    ["2024-09-30 17:00", 1, "2024-10-08 09:00", "across National Day"],
    ["2024-10-11 17:00", 1, "2024-10-12 09:00", "into the Saturday 补班 after National Day"],
    ["2024-04-27 12:00", 1, "2024-04-28 09:30", "into the Sunday 补班 before May Day"],
    ["2024-04-30 17:00", 1, "2024-05-06 09:00", "across May Day"],
    ["2024-05-10 17:30", 0.5, "2024-05-11 09:00", "into the Saturday 补班 after May Day"],
    // year ends
    ["2024-12-31 17:00", 1, "2025-01-02 09:00", "across New Year's Day 2025"],
    ["2023-12-29 17:00", 1, "2024-01-02 09:00", "across a weekend and New Year's Day 2024"],
    // minutes
    ["2024-06-03 09:00", 0.25, "2024-06-03 09:15", "a quarter of an hour"],
    ["2024-06-03 11:59", 1 / 60, "2024-06-03 12:00", "one minute to the end of the morning"],
    ["2024-06-03 12:00", 1 / 60, "2024-06-03 14:31", "one minute after the end of the morning"],
    ["2024-06-03 09:00", 0.001, "2024-06-03 09:00", "less than half a minute, which rounds to nothing"],
    ["2024-06-03 09:00:30", 1, "2024-06-03 10:00:30", "keeping the seconds of the start"],
    ["2024-06-03 11:59:30", 1, "2024-06-03 15:29:30", "keeping the seconds across lunch"],
  ])("%s + %s h → %s (%s)", (from, hours, expected) => {
    expect(add(from, hours)).toBe(expected);
  });

  it.each([
    ["2024-06-03 09:00", "2024-06-03 09:00", "inside the morning: itself"],
    ["2024-06-03 08:30", "2024-06-03 08:30", "at a start: itself"],
    ["2024-06-03 12:00", "2024-06-03 12:00", "at exactly 12:00: itself"],
    ["2024-06-03 17:30", "2024-06-03 17:30", "at exactly 17:30: itself"],
    ["2024-06-03 07:00", "2024-06-03 08:30", "before work: the morning's start"],
    ["2024-06-03 13:00", "2024-06-03 14:30", "at lunch: the afternoon's start"],
    ["2024-06-03 17:31", "2024-06-04 08:30", "after work: the next working morning"],
    ["2024-06-15 10:00", "2024-06-17 08:30", "on a Saturday: Monday morning"],
    ["2024-10-01 10:00", "2024-10-08 08:30", "on National Day: the first working morning after it"],
  ])("0 hours from %s is %s (%s)", (from, expected) => {
    expect(add(from, 0)).toBe(expected);
  });

  it.each([[-1], [-0.5], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], [100_001], [Number.MAX_VALUE]])("refuses %s hours", (hours) => {
    expect(() => addWorkingHours(at("2024-06-03 09:00"), hours, wh, calendar)).toThrow(RangeError);
  });

  it("refuses an invalid starting instant", () => {
    expect(() => addWorkingHours(new Date(Number.NaN), 1, wh, calendar)).toThrow(RangeError);
  });
});

describe("addWorkingHours with other hours from the policy", () => {
  it("follows the policy's own periods", () => {
    const own = workingHoursOf(reminderPolicySchema.parse({ workingHours: ["09:00-12:00", "13:30-18:00"] }));
    expect(add("2024-06-03 11:00", 2, own)).toBe("2024-06-03 14:30");
    expect(add("2024-06-03 17:00", 2, own)).toBe("2024-06-04 10:00");
  });

  it("reads the periods in the policy's time zone", () => {
    const tokyo = workingHoursOf(reminderPolicySchema.parse({ timezone: "Asia/Tokyo" }));
    // 09:00 in Tokyo is 08:00 in Beijing; an hour later is 10:00 in Tokyo.
    expect(add("2024-06-03 08:00", 1, tokyo)).toBe("2024-06-03 09:00");
    expect(add("2024-06-03 07:00", 0, tokyo)).toBe("2024-06-03 07:30");
  });
});

describe("workingHoursBetween", () => {
  it.each([
    ["2024-06-03 11:00", "2024-06-03 15:30", 2, "across lunch"],
    ["2024-06-03 00:00", "2024-06-04 00:00", 6.5, "a whole working day"],
    ["2024-06-03 00:00", "2024-06-10 00:00", 32.5, "a working week"],
    ["2024-06-03 18:00", "2024-06-04 08:00", 0, "a night"],
    ["2024-06-03 12:00", "2024-06-03 14:30", 0, "lunch"],
    ["2024-06-03 09:00", "2024-06-03 09:00", 0, "no time at all"],
    ["2024-02-09 16:30", "2024-02-18 11:30", 4, "the Spring Festival and its Sunday 补班"],
    ["2024-09-30 17:00", "2024-10-08 09:00", 1, "National Day"],
    ["2024-12-31 17:00", "2025-01-02 09:00", 1, "New Year's Day"],
    ["2024-06-03 09:00", "2024-06-03 09:20", 1 / 3, "twenty minutes"],
    ["2024-06-03 15:30", "2024-06-03 11:00", -2, "backwards, negative"],
  ])("from %s to %s is %s h (%s)", (a, b, hours) => {
    expect(workingHoursBetween(at(a), at(b), wh, calendar)).toBeCloseTo(hours, 9);
  });

  it("tells how far a follow-up is overdue: 已超时 N 个工作小时", () => {
    const due = addWorkingHours(at("2024-06-07 16:00"), 4, wh, calendar);
    expect(show(due)).toBe("2024-06-11 11:00");
    expect(workingHoursBetween(due, at("2024-06-11 17:00"), wh, calendar)).toBe(3.5);
  });
});

describe("addWorkingHours: properties", () => {
  // Instants from the end of 2023 to 2025, to the millisecond, and whole minutes of up to 300 working hours.
  const instant = fc.integer({ min: Date.UTC(2023, 11, 20), max: Date.UTC(2025, 11, 31) }).map((ms) => new Date(ms));
  const minutes = fc.integer({ min: 0, max: 300 * 60 });
  const plus = (a: Date, m: number): Date => addWorkingHours(a, m / 60, wh, calendar);

  it("never goes back in time and grows with the hours", () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (a, m1, m2) => {
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(plus(a, lo).getTime()).toBeGreaterThanOrEqual(a.getTime());
        expect(plus(a, lo).getTime()).toBeLessThanOrEqual(plus(a, hi).getTime());
      }),
    );
  });

  it("grows with the starting instant", () => {
    fc.assert(
      fc.property(instant, instant, minutes, (x, y, m) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        expect(plus(a, m).getTime()).toBeLessThanOrEqual(plus(b, m).getTime());
      }),
    );
  });

  it("adds in steps: a + (h1 + h2) = (a + h1) + h2", () => {
    fc.assert(
      fc.property(instant, minutes, minutes, (a, m1, m2) => {
        expect(plus(plus(a, m1), m2).getTime()).toBe(plus(a, m1 + m2).getTime());
      }),
    );
  });

  it("ends inside working time, a period's end included", () => {
    fc.assert(
      fc.property(instant, minutes, (a, m) => {
        expect(isWorkingTime(plus(a, m), wh, calendar)).toBe(true);
      }),
    );
  });

  it("is undone by workingHoursBetween", () => {
    fc.assert(
      fc.property(instant, minutes, (a, m) => {
        expect(workingHoursBetween(a, plus(a, m), wh, calendar) * 60).toBeCloseTo(m, 6);
      }),
    );
  });
});

describe("isWorkingTime", () => {
  it.each([
    ["2024-06-03 08:29", false],
    ["2024-06-03 08:30", true],
    ["2024-06-03 12:00", true],
    ["2024-06-03 12:01", false],
    ["2024-06-03 17:30", true],
    ["2024-06-03 17:31", false],
    ["2024-02-04 10:00", true],
    ["2024-02-12 10:00", false],
  ])("%s is working time: %s", (instant, expected) => {
    expect(isWorkingTime(at(instant), wh, calendar)).toBe(expected);
  });
});

describe("working hours in the reminder policy", () => {
  it("defaults to 08:30–12:00 and 14:30–17:30", () => {
    expect(defaultReminderPolicy.workingHours).toEqual(["08:30-12:00", "14:30-17:30"]);
    expect(wh).toEqual({
      periods: [
        { start: 8 * 60 + 30, end: 12 * 60 },
        { start: 14 * 60 + 30, end: 17 * 60 + 30 },
      ],
      timezone: "Asia/Shanghai",
    });
  });

  it("refuses to count with periods that were never checked", () => {
    expect(() => workingHoursOf({ workingHours: ["12:00-08:30"], timezone: "Asia/Shanghai" })).toThrow(RangeError);
  });

  it("accepts periods that touch, one period, and a one-digit hour", () => {
    expect(parseWorkingPeriods(["08:00-12:00", "12:00-16:00"])).toEqual({
      periods: [
        { start: 480, end: 720 },
        { start: 720, end: 960 },
      ],
    });
    expect(parseWorkingPeriods(["9:00-17:00"])).toEqual({ periods: [{ start: 540, end: 1020 }] });
  });

  it.each([
    [[], "(top level): at least one period is needed"],
    [["08:30–12:00x"], `0: "08:30–12:00x" is not a period of the day`],
    [["8:30"], `0: "8:30" is not a period of the day`],
    [["08:30-24:00"], `0: "08:30-24:00" is not a period of the day (00:00 to 23:59)`],
    [["08:60-12:00"], `0: "08:60-12:00" is not a period of the day`],
    [["12:00-08:30"], `0: "12:00-08:30" does not end after it starts`],
    [["08:30-08:30"], `0: "08:30-08:30" does not end after it starts`],
    [["08:30-12:00", "11:00-17:30"], `1: "11:00-17:30" overlaps or comes before "08:30-12:00"`],
    [["14:30-17:30", "08:30-12:00"], `1: "08:30-12:00" overlaps or comes before "14:30-17:30"`],
  ])("refuses %j with a message naming the key and the period", (workingHours, message) => {
    const result = reminderPolicySchema.safeParse({ workingHours });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => `${i.path.slice(1).join(".") || "(top level)"}: ${i.message}`);
    expect(issues?.join("\n")).toContain(message);
  });

  const dir = mkdtempSync(join(tmpdir(), "duban-working-hours-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is read from the policy file (DUBAN_REMINDERS)", () => {
    const file = join(dir, "reminders.yaml");
    writeFileSync(file, "workingHours: [09:00-12:00, 13:30-18:00]\n");
    expect(loadReminderPolicy(file).workingHours).toEqual(["09:00-12:00", "13:30-18:00"]);
  });

  it("stops the bot at start with a message naming the file, the key and the bad period", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "workingHours:\n  - 08:30-12:00\n  - 14:30-12:00\n");
    expect(() => loadReminderPolicy(file)).toThrow(ReminderPolicyError);
    expect(() => loadReminderPolicy(file)).toThrow(`reminder policy ${file} is invalid:\n  - workingHours.1: "14:30-12:00" does not end after it starts`);
  });

  it("is documented in docs/reminders.md as the code reads it", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "docs", "reminders.md"), "utf8");
    const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as unknown);
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(2);
    // The policy file shown is the defaults, and every example is a valid policy.
    expect(reminderPolicySchema.strict().parse(yamlBlocks[0])).toEqual(defaultReminderPolicy);
    for (const block of yamlBlocks) expect(reminderPolicySchema.strict().safeParse(block).success).toBe(true);
    const shownError = /reminder policy \/etc\/duban\/reminders\.yaml is invalid:\n(.*)\n/.exec(doc)?.[1];
    const file = join(dir, "shown.yaml");
    writeFileSync(file, 'workingHours: ["08:30-12:00", "14:30-12:00"]\n');
    expect(() => loadReminderPolicy(file)).toThrow(`${file} is invalid:\n${shownError}`);
  });
});
