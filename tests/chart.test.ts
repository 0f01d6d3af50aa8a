import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { renderChartPng, renderChartSvg, shortTitle, svgToPng } from "../src/reports/chart.js";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { buildChart } from "../src/reports/review-data.js";
import { quietLogger } from "./helpers/temp-app.js";
import { LIGHT_COLOURS, type ChartModel, type Light, type LightCounts } from "../src/reports/types.js";

const SAMPLE = "/tmp/duban-chart-sample.png";

const lights = (red: number, yellow: number, green: number, done: number, ongoing: number): LightCounts => ({ red, yellow, green, done, ongoing });

/** Month ends from 2023-11 to 2025-12. */
function monthEnds(): string[] {
  const days: string[] = [];
  let y = 2023;
  let m = 11;
  while (y < 2025 || (y === 2025 && m <= 12)) {
    days.push(new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10));
    if (m === 12) {
      m = 1;
      y++;
    } else m++;
  }
  return days;
}

function fixture(): ChartModel {
  const days = monthEnds();
  const at = "2025-06-30T18:00:00+08:00";
  return {
    title: "明溪县公安局科技兴警三年行动 进度图",
    at,
    sections: [
      { label: "（一）", title: "构建组织保障机制，激发全警创新动能", lights: lights(1, 1, 1, 0, 0) },
      { label: "（二）", title: "完善人才梯队结构，强化科技人才引进培养", lights: lights(1, 0, 2, 2, 0) },
      { label: "（三）", title: "打造公安科技创新新生态，激活创新活力", lights: lights(0, 2, 1, 1, 1) },
      { label: "（四）", title: "打造全县智能应用新格局，全面赋能公安实战", lights: lights(0, 0, 3, 1, 2) },
      { label: "（五）", title: "优化大数据智能应用体系，有力支撑创新赋能", lights: lights(2, 1, 0, 3, 1) },
    ],
    targets: [
      { label: "任务4 市级科技兴警创新领军人才", current: 1, count: 1, behind: false },
      { label: "任务5 市级创新团队或市级科技兴警创新点", current: 0, count: 1, behind: true },
      { label: "任务6 市级“公安数字工匠”", current: 1, count: 2, behind: true },
      { label: "任务17 科技兴警县级创新单位", current: 0, count: 1, behind: false },
      { label: "任务18 科技兴警基层所队创新示范点", current: 1, count: 1, behind: false },
    ],
    burndown: days.map((day, i) => ({
      day,
      open: day <= "2025-06-30" ? Math.max(0, 18 - Math.floor(i * 0.6)) : null,
      ideal: Math.round((18 - (18 * i) / (days.length - 1)) * 100) / 100,
    })),
  };
}

/** The same model with every label and title an empty string. */
function blank(model: ChartModel): ChartModel {
  return {
    ...model,
    title: "",
    sections: model.sections.map((s) => ({ ...s, label: "", title: "" })),
    targets: model.targets.map((t) => ({ ...t, label: "" })),
  };
}

function hex(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Pixels within ±tol of a colour on every channel. */
function countColour(png: PNG, colour: string, tol = 12): number {
  const [r, g, b] = hex(colour);
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4)
    if (Math.abs(png.data[i]! - r) <= tol && Math.abs(png.data[i + 1]! - g) <= tol && Math.abs(png.data[i + 2]! - b) <= tol) n++;
  return n;
}

/** Near-black / dark-grey pixels: what text is drawn with. */
function countDark(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 90 && png.data[i + 1]! < 90 && png.data[i + 2]! < 90) n++;
  return n;
}

describe("progress chart (进度图)", () => {
  const model = fixture();
  let png: PNG;
  let result: { png: Buffer; width: number; height: number };
  let ms = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    result = await renderChartPng(model);
    ms = performance.now() - t0;
    png = PNG.sync.read(result.png);
    writeFileSync(SAMPLE, result.png);
  });

  it("is a PNG of the stated size, about 1200×1500, rendered in well under the budget", () => {
    expect(result.png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.width).toBe(result.width);
    expect(png.height).toBe(result.height);
    expect(result.width).toBe(1200);
    expect(result.height).toBeGreaterThanOrEqual(1400);
    expect(result.height).toBeLessThanOrEqual(1600);
    // ~0.6 s on a developer machine; generous for a loaded CI runner.
    expect(ms).toBeLessThan(10_000);
  });

  it("has a white background", () => {
    const corner = [png.data[0], png.data[1], png.data[2], png.data[3]];
    expect(corner).toEqual([255, 255, 255, 255]);
    expect(countColour(png, "#ffffff", 0)).toBeGreaterThan(png.width * png.height * 0.5);
  });

  it("draws every light colour used", () => {
    const used = (Object.keys(LIGHT_COLOURS) as Light[]).filter((l) => model.sections.some((s) => s.lights[l] > 0));
    expect(used.sort()).toEqual(["done", "green", "ongoing", "red", "yellow"]);
    for (const light of used) expect(countColour(png, LIGHT_COLOURS[light]), light).toBeGreaterThan(500);
  });

  it("leaves out a light no section has", () => {
    const noYellow: ChartModel = { ...model, sections: model.sections.map((s) => ({ ...s, lights: { ...s.lights, yellow: 0 } })) };
    const { png: buf } = renderChartSvgPng(noYellow);
    // The legend swatch stays (12×18 px); no bars.
    expect(countColour(buf, LIGHT_COLOURS.yellow)).toBeLessThan(400);
    expect(countColour(png, LIGHT_COLOURS.yellow)).toBeGreaterThan(countColour(buf, LIGHT_COLOURS.yellow) + 2000);
  });

  it("draws text: many dark pixels, clearly fewer when every label and title is empty", async () => {
    const dark = countDark(png);
    expect(dark).toBeGreaterThan(2000);
    const bare = PNG.sync.read((await renderChartPng(blank(model))).png);
    const bareDark = countDark(bare);
    expect(bareDark).toBeLessThan(dark * 0.75);
    expect(dark - bareDark).toBeGreaterThan(1500);
  });

  it("lays out with the bundled font everywhere and the parts asked for", () => {
    const { svg } = renderChartSvg(model);
    const texts = svg.match(/<text[^>]*>/g) ?? [];
    expect(texts.length).toBeGreaterThan(40);
    for (const t of texts) expect(t).toContain("font-family:Noto Sans SC");
    expect(svg).toContain("明溪县公安局科技兴警三年行动 进度图");
    expect(svg).toContain("截至 2025-06-30");
    expect(svg).toContain("（一）构建组织保障机制…");
    expect(svg).toContain("任务6 市级“公安数字工匠”");
    expect(svg).toContain(">1/2<");
    expect(svg).toContain(">0/1<");
    expect(svg).toContain("stroke-dasharray");
    for (const label of ["红灯", "黄灯", "绿灯", "持续推进", "已办结"]) expect(svg).toContain(`>${label}<`);
  });

  it("takes the date of `at` in Asia/Shanghai", () => {
    const { svg } = renderChartSvg({ ...model, at: "2025-06-30T17:00:00Z" });
    expect(svg).toContain("截至 2025-07-01");
  });

  it("copes with an empty model", async () => {
    const empty: ChartModel = { title: "空", at: "2024-01-01T00:00:00+08:00", sections: [], targets: [], burndown: [] };
    const r = await renderChartPng(empty);
    const p = PNG.sync.read(r.png);
    expect(p.width).toBe(1200);
    expect(countDark(p)).toBeGreaterThan(200);
  });
});

describe("Chinese glyphs", () => {
  const glyph = (text: string) =>
    PNG.sync.read(
      svgToPng(
        `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80">` +
          `<text x="10" y="58" style="font-size:48px;font-family:Noto Sans SC;" fill="#000">${text}</text></svg>`,
      ).png,
    );

  it("renders 任务进展 from the bundled font, each character its own shape (not tofu)", () => {
    expect(countDark(glyph("任务进展"))).toBeGreaterThan(1500);
    const shapes = ["任", "务", "进", "展"].map((c) => glyph(c));
    for (const s of shapes) expect(countDark(s)).toBeGreaterThan(150);
    // Missing glyphs would all be the same box.
    const keys = new Set(shapes.map((s) => s.data.toString("base64")));
    expect(keys.size).toBe(4);
  });

  it("renders bold when asked", () => {
    const bold = PNG.sync.read(
      svgToPng(
        `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80">` +
          `<text x="10" y="58" style="font-size:48px;font-family:Noto Sans SC;font-weight:bold" fill="#000">任务进展</text></svg>`,
      ).png,
    );
    expect(countDark(bold)).toBeGreaterThan(countDark(glyph("任务进展")) * 1.2);
  });
});

describe("shortTitle", () => {
  it("keeps a short title, cuts a long one at its first clause or at 14 characters", () => {
    expect(shortTitle("加强组织领导")).toBe("加强组织领导");
    expect(shortTitle("构建组织保障机制，激发全警创新动能")).toBe("构建组织保障机制…");
    expect(shortTitle("构建组织保障机制,激发全警创新动能")).toBe("构建组织保障机制…");
    expect(shortTitle("优化大数据智能应用体系有力支撑创新赋能能力建设")).toBe("优化大数据智能应用体系有力…");
    expect(Array.from(shortTitle("一二三，四五六七八九十一二三四五六七")).length).toBe(14);
  });
});

function renderChartSvgPng(model: ChartModel): { png: PNG } {
  return { png: PNG.sync.read(svgToPng(renderChartSvg(model).svg).png) };
}

describe("the chart at the instant a demo started", () => {
  it("shows the plan's targets: npm start --at stamps the bundled plan's import with that instant, not a second later", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-chart-at-"));
    const at = "2024-06-30T10:00:00+08:00";
    try {
      const env = { ...process.env, CHECKPOINT_DISABLE: "1", DATABASE_URL: `file:${join(dir, "duban.db")}` };
      const start = spawnSync(process.execPath, [join(import.meta.dirname, "..", "bin/start.js"), "--at", at], { cwd: dir, env, input: "", encoding: "utf8" });
      expect(start.status, start.stderr).toBe(0);
      const app = await openApp(readConfig({ DATABASE_URL: env.DATABASE_URL, DUBAN_DEMO: "true" }), fixedClock(new Date(at)), {
        logger: quietLogger,
        quiet: true,
      });
      try {
        const plan = (await app.repos.plans.currentPlan())!;
        expect(plan.importedAt.toISOString()).toBe(new Date(at).toISOString());
        const model = await buildChart(
          { repos: app.repos, directory: app.directory, policy: app.reminders.policy, thresholds: app.config.thresholds },
          plan,
          new Date(at),
        );
        expect(model.targets.length).toBeGreaterThan(0);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
