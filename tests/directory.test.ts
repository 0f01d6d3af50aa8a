import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_DIRECTORY } from "../src/config.js";
import { DirectoryError, loadDirectory, validateDirectory } from "../src/directory/directory.js";

const base = {
  office: "科技办",
  admins: ["@kejiban:bureau.local"],
  leaders: ["@juzhang:bureau.local"],
  units: [
    { name: "科技办", rooms: ["!kjb:bureau.local"], members: ["@kejiban:bureau.local"] },
    { name: "指挥情报中心", aliases: ["指挥中心", "情报中心"], rooms: ["!zhzx:bureau.local"], members: ["@liu:bureau.local"], leaders: ["@ye:bureau.local"] },
  ],
};

function problems(data: unknown): string[] {
  try {
    validateDirectory(data, "test.yaml");
  } catch (e) {
    if (e instanceof DirectoryError) return e.problems;
    throw e;
  }
  return [];
}

describe("the directory file", () => {
  it("loads the shipped demo directory", () => {
    const d = loadDirectory(DEMO_DIRECTORY);
    expect(d.office).toBe("科技办");
    expect(d.unit("刑侦")?.name).toBe("刑侦大队");
    expect(d.unitOfRoom("xingzhen")?.name).toBe("刑侦大队");
  });

  it("reads YAML and JSON alike", () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-dir-"));
    writeFileSync(join(dir, "d.json"), JSON.stringify(base));
    expect(loadDirectory(join(dir, "d.json")).unit("情报中心")?.name).toBe("指挥情报中心");
  });

  it("gives each person a role and a home unit from membership, never from the room", () => {
    const d = validateDirectory(base);
    expect(d.homeUnit("@liu:bureau.local")).toBe("指挥情报中心");
    expect(d.roleOf("@liu:bureau.local")).toBe("member");
    expect(d.roleOf("@ye:bureau.local")).toBe("leader");
    expect(d.roleOf("@kejiban:bureau.local")).toBe("admin");
    expect(d.roleOf("@stranger:x")).toBe("stranger");
    expect(d.homeUnit("@stranger:x")).toBeNull();
    expect(d.isLeader("@ye:bureau.local")).toBe(true);
    expect(d.isAdmin("@kejiban:bureau.local")).toBe(true);
  });

  it("names people by the file's people section, and shows the id of anyone it does not name", () => {
    const d = validateDirectory({ ...base, people: { "@liu:bureau.local": { name: "刘洋" } } });
    expect(d.displayName("@liu:bureau.local")).toBe("刘洋");
    expect(d.displayName("@ye:bureau.local")).toBe("@ye:bureau.local");
    expect(loadDirectory(DEMO_DIRECTORY).displayName("@zhang:bureau.local")).toBe("张伟");
    expect(problems({ ...base, people: { "@liu:bureau.local": { name: " " } } })).toEqual([
      expect.stringMatching(/^people\.@liu:bureau\.local\.name: a person's name must not be empty/),
    ]);
    expect(problems({ ...base, people: { "@liu:bureau.local": "刘洋" } })).toEqual([expect.stringMatching(/^people\.@liu:bureau\.local: .*expected object/)]);
  });

  it("reports an unknown key with its path and the allowed keys", () => {
    expect(problems({ ...base, unit: [] })).toEqual([expect.stringMatching(/^\(top level\): unknown key "unit"; allowed keys are office/)]);
    const p = problems({ ...base, units: [{ ...base.units[0], room: ["x"] }, base.units[1]] });
    expect(p).toEqual([expect.stringMatching(/^units\.0: unknown key "room"/)]);
  });

  it("reports a duplicate unit or alias with both places", () => {
    const p = problems({ ...base, units: [...base.units, { name: "情报中心" }] });
    expect(p).toEqual([expect.stringContaining('units.2.name: "情报中心" is already used at units.1.aliases.1')]);
  });

  it("reports an office that is not listed under units", () => {
    expect(problems({ ...base, office: "督察室" })).toEqual([expect.stringContaining('office: "督察室" is not listed under units')]);
  });

  it("reports a room mapped to two units and a wrong type", () => {
    expect(problems({ ...base, admins: "@a:b" })).toEqual([expect.stringMatching(/^admins: .*expected array/)]);
    const p = problems({ ...base, units: [base.units[0], { ...base.units[1], rooms: ["!kjb:bureau.local"] }] });
    expect(p).toEqual([expect.stringContaining('units.1.rooms.0: room "!kjb:bureau.local" is already mapped to 科技办')]);
  });

  it("lists plan units missing from the directory as a warning, ignoring collective units", () => {
    const d = validateDirectory(base);
    expect(d.missingUnits(["指挥中心", "刑侦大队", "局属各单位", "刑侦大队"])).toEqual(["刑侦大队"]);
  });

  it("names a missing file and how to fix it", () => {
    expect(() => loadDirectory("/nonexistent/dir.yaml")).toThrow(/cannot read the file.*DUBAN_DIRECTORY/);
  });
});
