/**
 * The progress chart (进度图): one PNG with the lights by section, the targets' progress and a burn-down of open
 * dated tasks. Laid out by Apache ECharts' server-side SVG renderer and rasterised by resvg with the bundled
 * Noto Sans SC fonts only (never system fonts), so the picture is the same on every machine.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { renderAsync, Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import { GridComponent, LegendPlainComponent, TitleComponent } from "echarts/components";
import type { GridComponentOption, LegendComponentOption, TitleComponentOption } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import { dayOf } from "../core/time.js";
import { LIGHT_COLOURS, LIGHT_LABELS, type ChartModel, LIGHT_ORDER } from "./types.js";

echarts.use([BarChart, LineChart, GridComponent, LegendPlainComponent, TitleComponent, SVGRenderer]);

type ChartOption = echarts.ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption>;

export const CHART_FONT_FAMILY = "Noto Sans SC";

/** The TTF files of Noto Sans SC (regular and bold) from `@expo-google-fonts/noto-sans-sc`. */
export function chartFontFiles(): string[] {
  const dir = dirname(createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/package.json"));
  return [join(dir, "400Regular/NotoSansSC_400Regular.ttf"), join(dir, "700Bold/NotoSansSC_700Bold.ttf")];
}

function resvgOptions(): ResvgRenderOptions {
  return { font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY }, background: "white" };
}

/** Rasterise an SVG with the bundled fonts only, on white (synchronous; blocks for as long as resvg takes). */
export function svgToPng(svg: string): { png: Buffer; width: number; height: number } {
  const image = new Resvg(svg, resvgOptions()).render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** {@link svgToPng} on libuv's thread pool, so the event loop (and the chat) is not held up by text layout. */
export async function svgToPngAsync(svg: string): Promise<{ png: Buffer; width: number; height: number }> {
  const image = await renderAsync(svg, resvgOptions());
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** Lights in the order the chart stacks and lists them. */

const WIDTH = 1200;
const TARGET_HEIGHT = 1500;
const TEXT = "#1f2328";
const AXIS_TEXT = "#333333";
const LINE_OPEN = "#6E56CF";
const LINE_IDEAL = "#9AA0A6";
const SPLIT_LINE = "#E6E8EB";
/** Font size of the category labels (sections, targets). */
const LABEL_SIZE = 14;

/** Characters, not UTF-16 units, so a rare character outside the BMP is never cut in half. */
function chars(s: string): string[] {
  return Array.from(s);
}

/**
 * Shorten a section title for an axis label: up to `max` characters; a longer one is cut at its first clause
 * ("构建组织保障机制，激发全警创新动能" → "构建组织保障机制…") when that clause is at least 4 characters, else hard at `max`.
 */
export function shortTitle(title: string, max = 14): string {
  const c = chars(title.trim());
  if (c.length <= max) return c.join("");
  const comma = c.findIndex((ch, i) => i >= 4 && i < max && /[，,、；;：:]/.test(ch));
  if (comma > 0) return `${c.slice(0, comma).join("")}…`;
  return `${c.slice(0, max - 1).join("")}…`;
}

function truncate(s: string, max: number): string {
  const c = chars(s);
  return c.length <= max ? s : `${c.slice(0, max - 1).join("")}…`;
}

/** Rough width in px of a label, as ECharts estimates it without a canvas: CJK ≈ 1 em, ASCII ≈ 0.6 em. */
function estimateWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of chars(s)) w += (ch.codePointAt(0) ?? 0) < 0x2e80 ? fontSize * 0.6 : fontSize;
  return w;
}

interface Layout {
  height: number;
  left: number;
  /** Top and height of the three grids; head is where each chart's heading sits. */
  g1: { head: number; legend: number; top: number; height: number };
  g2: { head: number; top: number; height: number };
  g3: { head: number; legend: number; top: number; height: number };
}

function layout(model: ChartModel, sectionLabels: string[], targetLabels: string[]): Layout {
  const rows1 = Math.max(model.sections.length, 1);
  const rows2 = Math.max(model.targets.length, 1);
  // Fixed parts: title 70; chart 1 heading + legend 80, axis 50; chart 2 heading 60, axis 50; chart 3 heading + legend 80, axis 40; bottom 16.
  const fixed = 70 + 80 + 50 + 60 + 50 + 80 + 40 + 16;
  const minBurn = 380;
  let row1 = 52;
  let row2 = 38;
  const budget = TARGET_HEIGHT - fixed - minBurn;
  const ideal = rows1 * row1 + rows2 * row2;
  if (ideal > budget) {
    const k = budget / ideal;
    row1 = Math.max(26, row1 * k);
    row2 = Math.max(22, row2 * k);
  }
  const h1 = Math.round(rows1 * row1);
  const h2 = Math.round(rows2 * row2);
  const h3 = Math.max(minBurn, TARGET_HEIGHT - fixed - h1 - h2);
  const labelWidth = Math.max(...[...sectionLabels, ...targetLabels, ""].map((s) => estimateWidth(s, LABEL_SIZE)));
  const left = Math.round(Math.min(460, Math.max(110, labelWidth + 28)));

  let y = 70;
  const g1 = { head: y, legend: y + 38, top: y + 80, height: h1 };
  y = g1.top + h1 + 50;
  const g2 = { head: y, top: y + 60, height: h2 };
  y = g2.top + h2 + 50;
  const g3 = { head: y, legend: y + 38, top: y + 80, height: h3 };
  y = g3.top + h3 + 40 + 16;
  return { height: y, left, g1, g2, g3 };
}

function buildOption(model: ChartModel, at: string): { option: ChartOption; height: number } {
  const sectionLabels = model.sections.map((s) => `${s.label}${shortTitle(s.title)}`);
  const targetLabels = model.targets.map((t) => truncate(t.label, 22));
  const L = layout(model, sectionLabels, targetLabels);
  const right = 70;

  const heading = (text: string, top: number, subtext?: string): TitleComponentOption => ({
    text,
    subtext,
    left: 24,
    top,
    itemGap: 6,
    textStyle: { fontSize: 18, fontWeight: "bold", color: TEXT },
    subtextStyle: { fontSize: 13, color: "#555555" },
  });
  const titleLine = [model.title, `截至 ${at}`].filter((s) => s !== "").join("　");

  const titles: TitleComponentOption[] = [
    {
      text: titleLine,
      left: "center",
      top: 20,
      textStyle: { fontSize: 22, fontWeight: "bold", color: TEXT, width: WIDTH - 60, overflow: "truncate" },
    },
    heading("一、各部分任务灯色", L.g1.head),
    heading("二、指标完成情况", L.g2.head, "浅色为目标数，实色为已完成数；红色为落后于进度，绿色为正常"),
    heading("三、未完成任务燃尽图（有时限任务，按月末计）", L.g3.head),
  ];
  const none = (text: string, top: number): TitleComponentOption => ({
    text,
    left: "center",
    top,
    textStyle: { fontSize: 15, fontWeight: "normal", color: "#555555" },
  });
  if (model.sections.length === 0) titles.push(none("暂无任务", L.g1.top + L.g1.height / 2 - 10));
  if (model.targets.length === 0) titles.push(none("暂无指标", L.g2.top + L.g2.height / 2 - 10));
  if (model.burndown.length === 0) titles.push(none("暂无有时限的任务", L.g3.top + L.g3.height / 2 - 10));

  const valueAxisStyle = {
    axisLabel: { color: AXIS_TEXT, fontSize: 13 },
    splitLine: { lineStyle: { color: SPLIT_LINE } },
    minInterval: 1,
  } as const;
  const categoryAxisLabel = { color: AXIS_TEXT, fontSize: LABEL_SIZE, interval: 0 } as const;

  const grids: GridComponentOption[] = [
    { left: L.left, right, top: L.g1.top, height: L.g1.height },
    { left: L.left, right, top: L.g2.top, height: L.g2.height },
    { left: 70, right, top: L.g3.top, height: L.g3.height },
  ];

  // 1. Lights by section.
  const lightSeries: BarSeriesOption[] = LIGHT_ORDER.map((light) => ({
    type: "bar",
    name: LIGHT_LABELS[light],
    stack: "lights",
    xAxisIndex: 0,
    yAxisIndex: 0,
    barMaxWidth: 30,
    itemStyle: { color: LIGHT_COLOURS[light] },
    label: {
      show: true,
      position: "inside",
      color: light === "yellow" ? TEXT : "#ffffff",
      fontSize: 13,
      formatter: (p) => (typeof p.value === "number" && p.value > 0 ? String(p.value) : ""),
    },
    data: model.sections.map((s) => s.lights[light]),
  }));

  // 2. Targets: a light bar for the count behind a solid bar for the current figure.
  const statusColour = (behind: boolean): string => (behind ? LIGHT_COLOURS.red : LIGHT_COLOURS.green);
  const targetText = (i: number): string => {
    const t = model.targets[i];
    return t ? `${t.current}/${t.count}` : "";
  };
  const targetLabel = { show: true, position: "right", color: TEXT, fontSize: 14, formatter: (p: { dataIndex: number }) => targetText(p.dataIndex) } as const;
  const targetSeries: BarSeriesOption[] = [
    {
      type: "bar",
      name: "目标数",
      xAxisIndex: 1,
      yAxisIndex: 1,
      barMaxWidth: 22,
      barGap: "-100%",
      silent: true,
      data: model.targets.map((t) => ({
        value: t.count,
        itemStyle: { color: t.behind ? "#FBE3E4" : "#DDF1E6", borderColor: statusColour(t.behind), borderWidth: 1 },
        label: { ...targetLabel, show: t.current <= t.count },
      })),
    },
    {
      type: "bar",
      name: "已完成",
      xAxisIndex: 1,
      yAxisIndex: 1,
      barMaxWidth: 22,
      barGap: "-100%",
      data: model.targets.map((t) => ({
        value: t.current,
        itemStyle: { color: statusColour(t.behind) },
        label: { ...targetLabel, show: t.current > t.count },
      })),
    },
  ];

  // 3. Burn-down: open dated tasks at each month end; null (after `at`) leaves a gap.
  const lastOpen = model.burndown.reduce((last, b, i) => (b.open === null ? last : i), -1);
  const burnSeries: LineSeriesOption[] = [
    {
      type: "line",
      name: "未完成任务数",
      xAxisIndex: 2,
      yAxisIndex: 2,
      connectNulls: false,
      symbol: "circle",
      symbolSize: 6,
      lineStyle: { color: LINE_OPEN, width: 3 },
      itemStyle: { color: LINE_OPEN },
      data: model.burndown.map((b, i) =>
        i === lastOpen ? { value: b.open, label: { show: true, position: "top", color: TEXT, fontSize: 13, fontWeight: "bold" } } : b.open,
      ),
    },
    {
      type: "line",
      name: "理想进度",
      xAxisIndex: 2,
      yAxisIndex: 2,
      symbol: "none",
      lineStyle: { color: LINE_IDEAL, width: 2, type: "dashed" },
      itemStyle: { color: LINE_IDEAL },
      data: model.burndown.map((b) => b.ideal),
    },
  ];

  const legendText = { color: AXIS_TEXT, fontSize: 14 };
  const legends: LegendComponentOption[] = [
    { data: LIGHT_ORDER.map((l) => LIGHT_LABELS[l]), left: L.left, top: L.g1.legend, itemWidth: 18, itemHeight: 12, itemGap: 22, textStyle: legendText },
    { data: ["未完成任务数", "理想进度"], right, top: L.g3.legend, itemWidth: 26, itemHeight: 12, itemGap: 22, textStyle: legendText },
  ];

  const option: ChartOption = {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: titles,
    legend: legends,
    grid: grids,
    xAxis: [
      { type: "value", gridIndex: 0, ...valueAxisStyle, name: "任务数", nameTextStyle: { color: AXIS_TEXT, fontSize: 13 } },
      // The "current/count" labels sit right of the bars, in the grid's right margin at worst.
      { type: "value", gridIndex: 1, ...valueAxisStyle },
      {
        type: "category",
        gridIndex: 2,
        boundaryGap: false,
        data: model.burndown.map((b) => b.day),
        axisLabel: { color: AXIS_TEXT, fontSize: 13, formatter: (d: string) => d.slice(0, 7) },
        axisTick: { alignWithLabel: true },
      },
    ],
    yAxis: [
      { type: "category", gridIndex: 0, inverse: true, data: sectionLabels, axisLabel: categoryAxisLabel, axisTick: { show: false } },
      { type: "category", gridIndex: 1, inverse: true, data: targetLabels, axisLabel: categoryAxisLabel, axisTick: { show: false } },
      { type: "value", gridIndex: 2, ...valueAxisStyle, name: "未完成（项）", nameTextStyle: { color: AXIS_TEXT, fontSize: 13, align: "left" } },
    ],
    series: [...lightSeries, ...targetSeries, ...burnSeries],
  };
  return { option, height: L.height };
}

/** The chart as SVG text (what {@link renderChartPng} rasterises); width 1200, height about 1500. */
export function renderChartSvg(model: ChartModel): { svg: string; width: number; height: number } {
  const { option, height } = buildOption(model, dayOf(new Date(model.at)));
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  try {
    chart.setOption(option);
    return { svg: chart.renderToSVGString(), width: WIDTH, height };
  } finally {
    chart.dispose();
  }
}

/**
 * Render the progress chart (进度图) as a PNG: a title line (the model's title and the Asia/Shanghai date of
 * `model.at`), the lights by section as stacked bars, each target's current/count, and a burn-down of open
 * dated tasks against the dashed ideal line. White background, about 1200×1500 px (taller only when there are
 * many sections or targets). Fonts come from the bundled Noto Sans SC only. Takes ~0.6 s, nearly all of it
 * resvg laying out text, which runs off the main thread.
 */
export async function renderChartPng(model: ChartModel): Promise<{ png: Buffer; width: number; height: number }> {
  const { svg } = renderChartSvg(model);
  return svgToPngAsync(svg);
}
