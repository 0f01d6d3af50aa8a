import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createWorkingCalendar, dayFromNumber, dayNumber, workingCalendarFrom } from "../src/reminders/working-calendar.js";

const calendar = createWorkingCalendar();

/** Every day from `first` to `last`, inclusive. */
function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let n = dayNumber(first); n <= dayNumber(last); n++) out.push(dayFromNumber(n));
  return out;
}

describe("createWorkingCalendar: 补班 makeup days and statutory holidays", () => {
  it.each([
    ["2024-02-04", "Sunday before the Spring Festival"],
    ["2024-02-18", "Sunday after the Spring Festival"],
    ["2024-09-29", "Sunday before National Day"],
    ["2024-10-12", "Saturday after National Day"],
  ])("treats %s (%s) as a makeup working day", (day) => {
    expect(calendar.isWorkday(day)).toBe(true);
  });

  it("treats every day of National Day 2024 (2024-10-01..07) as a day off", () => {
    for (const day of daysFrom("2024-10-01", "2024-10-07")) expect(calendar.isWorkday(day), day).toBe(false);
    expect(calendar.isWorkday("2024-09-30")).toBe(true);
    expect(calendar.isWorkday("2024-10-08")).toBe(true);
  });

  it("treats every day of the Spring Festival 2024 (2024-02-10..17) as a day off", () => {
    for (const day of daysFrom("2024-02-10", "2024-02-17")) expect(calendar.isWorkday(day), day).toBe(false);
    expect(calendar.isWorkday("2024-02-09")).toBe(true);
    expect(calendar.isWorkday("2024-02-19")).toBe(true);
  });

  it("treats an ordinary weekend as days off and an ordinary week as working days", () => {
    expect(daysFrom("2024-06-03", "2024-06-09").map((d) => calendar.isWorkday(d))).toEqual([true, true, true, true, true, false, false]);
  });

  it("rejects a day that is not a YYYY-MM-DD calendar day", () => {
    expect(() => calendar.isWorkday("2024-02-30")).toThrow(RangeError);
    expect(() => calendar.isWorkday("2024/02/04")).toThrow(RangeError);
    expect(() => calendar.nextWorkday("tomorrow")).toThrow(RangeError);
  });
});

describe("createWorkingCalendar: years with and without holiday data", () => {
  it("has holiday data for 2024 and for every year the pinned package covers (2004–2026)", () => {
    expect(calendar.hasDataFor(2024)).toBe(true);
    for (let year = 2004; year <= 2026; year++) expect(calendar.hasDataFor(year), String(year)).toBe(true);
  });

  it("has no holiday data for 2099, 2027 or 2003", () => {
    expect(calendar.hasDataFor(2099)).toBe(false);
    expect(calendar.hasDataFor(2027)).toBe(false);
    expect(calendar.hasDataFor(2003)).toBe(false);
  });

  it("falls back to Monday–Friday in a year without data, even on New Year's Day and National Day", () => {
    // 2099-01-01 is a Thursday and 2099-10-01 a Thursday: no holiday is known, so they are working days.
    expect(calendar.isWorkday("2099-01-01")).toBe(true);
    expect(calendar.isWorkday("2099-10-01")).toBe(true);
    expect(daysFrom("2099-01-05", "2099-01-11").map((d) => calendar.isWorkday(d))).toEqual([true, true, true, true, true, false, false]);
    expect(calendar.nextWorkday("2099-01-02")).toBe("2099-01-05");
  });
});

describe("createWorkingCalendar: stepping between working days", () => {
  it("steps over National Day 2024 from 2024-09-30 to 2024-10-08 and back", () => {
    expect(calendar.nextWorkday("2024-09-30")).toBe("2024-10-08");
    expect(calendar.previousWorkday("2024-10-08")).toBe("2024-09-30");
  });

  it("lands on makeup days when stepping", () => {
    expect(calendar.nextWorkday("2024-10-11")).toBe("2024-10-12");
    expect(calendar.previousWorkday("2024-10-14")).toBe("2024-10-12");
    expect(calendar.previousWorkday("2024-02-19")).toBe("2024-02-18");
    expect(calendar.previousWorkday("2024-09-30")).toBe("2024-09-29");
  });

  it("moves a day off back or forward to the nearest working day", () => {
    expect(calendar.workdayOnOrBefore("2024-10-05")).toBe("2024-09-30");
    expect(calendar.workdayOnOrAfter("2024-10-05")).toBe("2024-10-08");
    expect(calendar.workdayOnOrBefore("2024-02-14")).toBe("2024-02-09");
    expect(calendar.workdayOnOrAfter("2024-02-14")).toBe("2024-02-18");
  });

  it("keeps a working day as it is for on-or-before and on-or-after, but not for previous and next", () => {
    expect(calendar.workdayOnOrBefore("2024-06-05")).toBe("2024-06-05");
    expect(calendar.workdayOnOrAfter("2024-06-05")).toBe("2024-06-05");
    expect(calendar.previousWorkday("2024-06-05")).toBe("2024-06-04");
    expect(calendar.nextWorkday("2024-06-05")).toBe("2024-06-06");
  });

  it("steps across a year boundary", () => {
    expect(calendar.nextWorkday("2024-12-31")).toBe("2025-01-02");
    expect(calendar.previousWorkday("2025-01-02")).toBe("2024-12-31");
  });
});

describe("workingCalendarFrom", () => {
  it("builds a fake calendar for tests from any isWorkday function", () => {
    const fake = workingCalendarFrom((day) => day !== "2024-06-05");
    expect(fake.isWorkday("2024-06-08")).toBe(true);
    expect(fake.nextWorkday("2024-06-04")).toBe("2024-06-06");
    expect(fake.workdayOnOrBefore("2024-06-05")).toBe("2024-06-04");
    expect(fake.hasDataFor(2099)).toBe(true);
  });

  it("gives up instead of looping forever when no day is a working day", () => {
    const never = workingCalendarFrom(() => false);
    expect(() => never.nextWorkday("2024-06-05")).toThrow(/no working day/);
  });
});

describe("createWorkingCalendar: process time zone", () => {
  it("gives the same answers when the process time zone is west of UTC (chinese-days misreads dates there)", () => {
    const modulePath = fileURLToPath(new URL("../src/reminders/working-calendar.ts", import.meta.url));
    const script = `
      const { createWorkingCalendar } = await import(${JSON.stringify(modulePath)});
      const c = createWorkingCalendar();
      const days = ["2024-02-04", "2024-02-05", "2024-02-12", "2024-02-18", "2024-06-03", "2024-06-08", "2024-10-01", "2024-10-08", "2024-10-12"];
      const answers = {
        work: days.map((d) => c.isWorkday(d)),
        data: [2024, 2026, 2027].map((y) => c.hasDataFor(y)),
        next: c.nextWorkday("2024-09-30"),
      };
      console.log(JSON.stringify(answers));
    `;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          env: { ...process.env, TZ: tz },
          encoding: "utf8",
        }),
      ) as unknown;
    const expected = {
      work: [true, true, false, true, true, false, false, true, true],
      data: [true, true, false],
      next: "2024-10-08",
    };
    expect(run("America/Los_Angeles")).toEqual(expected);
    expect(run("Asia/Shanghai")).toEqual(expected);
  });
});
