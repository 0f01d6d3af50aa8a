import { describe, expect, it } from "vitest";
import { addDays, dayjs, dayOf, daysBetween, formatDateTime, zonedInstant } from "../src/core/time.js";
import { parseInstant } from "../src/core/clock.js";

describe("calendar days in a time zone", () => {
  it("agrees with dayjs.tz for Shanghai and zones with daylight saving, at every hour of the day over decades", () => {
    let mismatches = 0;
    for (let t = Date.UTC(1995, 0, 1); t < Date.UTC(2030, 0, 1); t += 127 * 3_600_000 - 1) {
      const d = new Date(t);
      for (const z of ["Asia/Shanghai", "America/Los_Angeles", "UTC"]) if (dayOf(d, z) !== dayjs(d).tz(z).format("YYYY-MM-DD")) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("formats instants for people as dayjs.tz does, for Shanghai and other zones, over decades", () => {
    let mismatches = 0;
    for (let t = Date.UTC(1985, 0, 1); t < Date.UTC(2040, 0, 1); t += 127 * 3_600_000 - 61_001) {
      const d = new Date(t);
      for (const z of ["Asia/Shanghai", "America/Los_Angeles"]) if (formatDateTime(d, z) !== dayjs(d).tz(z).format("YYYY-MM-DD HH:mm")) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(formatDateTime(new Date("2024-06-30T16:30:59.999Z"))).toBe("2024-07-01 00:30");
  });

  it("puts 2024-06-30T16:30Z on 1 July in Shanghai", () => {
    expect(dayOf(new Date("2024-06-30T16:30:00Z"))).toBe("2024-07-01");
    expect(dayOf(new Date("2024-06-30T15:59:59Z"))).toBe("2024-06-30");
  });

  it("counts days and adds them across month and year ends", () => {
    expect(daysBetween("2024-06-30", "2024-12-31")).toBe(184);
    expect(daysBetween("2023-12-31", "2024-06-30")).toBe(182);
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
  });

  it("reads --at instants, a bare date or a zoneless time as Shanghai time", () => {
    expect(parseInstant("2024-06-30T10:00:00+08:00")?.toISOString()).toBe("2024-06-30T02:00:00.000Z");
    expect(parseInstant("2024-06-30T10:00")?.toISOString()).toBe("2024-06-30T02:00:00.000Z");
    expect(parseInstant("2024-06-30")?.toISOString()).toBe("2024-06-29T16:00:00.000Z");
    expect(parseInstant("yesterday")).toBeNull();
    expect(zonedInstant("2024-12-31", "09:00").toISOString()).toBe("2024-12-31T01:00:00.000Z");
  });
});
