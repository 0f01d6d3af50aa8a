/** The digest (周报) and the scorecard (单位考评) as chat text, in Chinese. */
import { LIGHT_ICON } from "../core/task-status.js";
import type { Digest } from "./review-data.js";
import { LIGHT_LABELS, LIGHT_ORDER, type LightCounts, type Scorecard } from "./types.js";

function counts(c: LightCounts): string {
  return LIGHT_ORDER.map((l) => `${LIGHT_ICON[l]}${c[l]}`).join(" ");
}

function delta(now: LightCounts, before: LightCounts): string {
  const parts = LIGHT_ORDER.filter((l) => now[l] !== before[l]).map((l) => `${LIGHT_LABELS[l]}${now[l] > before[l] ? "+" : ""}${now[l] - before[l]}`);
  return parts.length ? `（较上周：${parts.join("，")}）` : "（与上周相同）";
}

/** `周报`: the week in a dozen lines. */
export function digestLines(d: Digest): string[] {
  const lines = [`【督办周报】${d.from} 至 ${d.to}`, d.planTitle, `全部任务：${counts(d.totals.now)}${delta(d.totals.now, d.totals.lastWeek)}`];
  lines.push("一、各部分红黄绿灯");
  for (const s of d.sections) lines.push(`  ${s.label}${s.title}：${counts(s.now)}${delta(s.now, s.lastWeek)}`);
  if (d.changed.length) {
    lines.push("  本周状态变化：");
    for (const c of d.changed) lines.push(`    任务${c.number} ${c.title}：${LIGHT_LABELS[c.from]}→${LIGHT_LABELS[c.to]}`);
  }
  lines.push(`二、本周新增逾期（${d.becameOverdue.length}项）`);
  for (const t of d.becameOverdue) lines.push(`  🔴 任务${t.number} ${t.title}（${t.deadline}，牵头：${t.leadUnits.join("、")}）`);
  lines.push(`三、本周办结（${d.completed.length}项）`);
  for (const t of d.completed) lines.push(`  ✅ 任务${t.number} ${t.title}（${t.day}）`);
  lines.push(`四、本周进展报送（共${d.updatesTotal}条）`);
  if (d.updatesByUnit.length === 0) lines.push("  本周无进展报送。");
  for (const u of d.updatesByUnit) lines.push(`  ${u.unit}：${u.count}条`);
  lines.push(`五、本报送周期未报送进展的牵头单位（${d.silentUnits.length}个${d.silentUnits[0] ? `，自${d.silentUnits[0].since}起` : ""}）`);
  for (const u of d.silentUnits) lines.push(`  ${u.unit}：任务${u.tasks.join("、")}`);
  lines.push(`六、滞后指标（${d.targetsBehind.length}项）`);
  for (const x of d.targetsBehind) lines.push(`  ⚠ 任务${x.taskNumber} ${x.name}：${x.current}/${x.count}${x.unit}${x.due ? `（${x.due}前）` : ""}`);
  return lines;
}

/** `单位考评 2024`: one line per unit, then how each figure is computed. */
/**
 * `单位考评` in chat: one short line per unit, the full table (and how each figure is computed) being the xlsx's:
 * `刑侦大队（牵头9项）：应报60 按时0 逾期0 未报60｜催办0 升级0｜任务逾期0天｜办结0｜指标0/6`.
 */
export function scorecardList(s: Scorecard, unit?: string): string[] {
  const rows = unit ? s.rows.filter((r) => r.unit === unit) : s.rows;
  const lines = [`【单位考评】${s.period.label}（${s.period.from} 至 ${s.period.to}）`];
  if (rows.length === 0) lines.push("本期没有牵头或责任任务的单位。");
  for (const r of rows)
    lines.push(
      `${r.unit}（牵头${r.leadTasks.length}项）：应报${r.reportsExpected} 按时${r.reportsOnTime} 逾期${r.reportsLate} 未报${r.reportsMissing}｜` +
        `催办${r.remindersReceived} 升级${r.escalations}｜任务逾期${r.overdueDaysApproved}天｜办结${r.completions}｜指标${r.targetsMet}/${r.targetsTotal}` +
        (s.weights ? `｜得分${r.score ?? "—"}` : ""),
    );
  lines.push("应报/按时/逾期/未报：月度报送次数；催办：收到提醒；升级：督办升级；任务逾期：牵头任务逾期天数（按批准后时限）。");
  lines.push("完整表格和计算方法：发送“导出 xlsx”，见“单位考评”表。");
  return lines;
}

/** The scorecard as a table with its method, for the command line (`npx duban scorecard`). */
export function scorecardLines(s: Scorecard, unit?: string): string[] {
  const rows = unit ? s.rows.filter((r) => r.unit === unit) : s.rows;
  const lines = [`【单位考评】${s.period.label}（${s.period.from} 至 ${s.period.to}）`];
  lines.push(`单位｜牵头任务｜应报/按时/逾期报送/未报｜收到提醒｜督办升级｜逾期天数(原定/批准后)｜办结｜指标完成${s.weights ? "｜得分" : ""}`);
  for (const r of rows)
    lines.push(
      `${r.unit}｜${r.leadTasks.length ? r.leadTasks.join("、") : "无"}｜${r.reportsExpected}/${r.reportsOnTime}/${r.reportsLate}/${r.reportsMissing}｜` +
        `${r.remindersReceived}｜${r.escalations}｜${r.overdueDaysOriginal}/${r.overdueDaysApproved}｜${r.completions}｜${r.targetsMet}/${r.targetsTotal}` +
        (s.weights ? `｜${r.score ?? "—"}` : ""),
    );
  lines.push("计算方法：");
  for (const m of s.method) lines.push(`· ${m}`);
  return lines;
}
