import { parseArgs } from "node:util";
import { PlanCodeError } from "./plan/plan-code.js";
import { planList } from "./core/plan-scope.js";
import { matrixTransportFor, openApp, type App } from "./app.js";
import { dayOf } from "./core/time.js";
import type { ReminderMessage } from "./reminders/reminder-service.js";
import { printReminders } from "./transports/console.js";
import { ConfigError, readConfig, type Config } from "./config.js";
import { fixedClock, parseInstant, systemClock, type Clock } from "./core/clock.js";
import { DirectoryError } from "./directory/directory.js";
import { readPlanFile } from "./plan/import-plan.js";
import { parsePlan, PlanParseError } from "./plan/plan-parser.js";
import type { ParsedPlan } from "./plan/types.js";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { Actor, AuditFilter, AuditRecord } from "./core/model.js";
import { formatSize } from "./util/format-size.js";
import { UserError } from "./core/command.js";
import { leadUnitFor } from "./core/permissions.js";
import { catalogue } from "./core/i18n/index.js";
import { auditLine } from "../commands/audit.js";
import { privateUmask } from "./util/private-files.js";
import { backupDatabase, OpsError, restoreDatabase } from "./ops/backup.js";
import { runDoctor } from "./ops/doctor.js";
import { applyMigrations, sqlitePathFromUrl } from "./db/migrate.js";
import { isPostgresUrl } from "./db/postgres.js";
import { closePrisma, openPrisma } from "./db/prisma-client.js";
import { exportDirFor } from "./app.js";
import { writeFiles } from "./transports/console.js";
import type { OutboundFile } from "./core/reply.js";
import { DumpError, loadDump } from "./reports/dump.js";
import { digestLines, scorecardLines } from "./reports/text.js";
import type { ReportKind } from "./core/command.js";
import { EXPORT_FORMATS, type ExportFormat } from "./core/command.js";

/** A usage or input problem: printed as is, exit status 2. */
class CliError extends Error {}

const USAGE = `用法 / usage:
  npx duban say [--as USER] [--room ROOM] [--at ISO-DATETIME] [--json] "MESSAGE"
  npx duban explain [--json] "MESSAGE"
  npx duban import FILE [--code CODE] [--dry-run] [--json] [--at ISO-DATETIME]
  npx duban import --dump FILE            (a json export, into an empty database)
  npx duban digest [--plan CODE] [--at ISO] [--json]
  npx duban scorecard [--plan CODE] [--year 2024] [--unit UNIT] [--at ISO] [--json]
  npx duban report --year 2024 | --midterm | --final [--plan CODE] [--at ISO] [--out FILE.docx]
  npx duban export [--format xlsx|csv|ics|json] [--plan CODE] [--at ISO] [--out FILE]
  npx duban chart [--plan CODE] [--at ISO] [--out FILE.png]
  npx duban reminders --at ISO-DATETIME [--dry-run] [--json]
  npx duban audit [--task N [--plan CODE]] [--actor USER] [--since ISO] [--json] [--verify]
  npx duban evidence add TASK FILE --as USER [--plan CODE] [--at ISO-DATETIME]
  npx duban directory [--json]
  npx duban backup FILE
  npx duban restore FILE
  npx duban doctor
Every command honours DATABASE_URL, DUBAN_DIRECTORY, DUBAN_LANG and DUBAN_NOW.`;

function clockFor(at: string | undefined, config: Config): Clock {
  if (at !== undefined) {
    const d = parseInstant(at);
    if (!d) throw new CliError(`--at: "${at}" 不是有效的时间，例如 2024-06-30T10:00:00+08:00`);
    return fixedClock(d);
  }
  return config.now ? fixedClock(config.now) : systemClock;
}

async function withApp<T>(config: Config, clock: Clock, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(config, clock, { quiet: true });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function say(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { as: { type: "string" }, room: { type: "string" }, at: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const text = positionals.join(" ");
  if (!text.trim()) throw new CliError(`say: 请给出消息内容 / give the message text\n${USAGE}`);
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const sender = values.as ?? config.consoleUser ?? app.directory.data.admins[0] ?? "console";
    const result = await app.bot.handle({
      transport: "cli",
      room: values.room ?? config.consoleRoom,
      sender,
      text,
      isDirect: values.room === undefined,
      mentionsBot: values.room === undefined,
    });
    const notices = (result.notices ?? []).map((n) => ({ rooms: n.rooms, text: n.reply.text }));
    const files = result.files?.length ? writeFiles(exportDirFor(config), result.files) : [];
    if (values.json) process.stdout.write(`${JSON.stringify({ replies: result.replies.map(({ text: t, html }) => ({ text: t, html })), notices, files })}\n`);
    else {
      for (const r of result.replies) process.stdout.write(`${r.text}\n`);
      for (const n of notices) process.stdout.write(`[→ ${n.rooms.join(", ")}]\n${n.text}\n`);
      for (const f of files) process.stdout.write(`📎 ${f}\n`);
    }
    return 0;
  });
}

const CONFIDENCE: Record<string, string> = { certain: "确定 certain", likely: "需确认 likely", unlikely: "不像命令 unlikely" };

/** `duban explain "MESSAGE"`: what the interpreter makes of a message and the cues that decided, changing nothing. */
async function explain(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  const text = positionals.join(" ");
  if (!text.trim()) throw new CliError(`explain: 请给出消息内容 / give the message text\n${USAGE}`);
  return withApp(config, clockFor(undefined, config), async (app) => {
    const i = await app.bot.explain(text);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(i, null, 2)}\n`);
      return 0;
    }
    const out = [
      `意图 intent: ${i.command ?? "无 none"}（${CONFIDENCE[i.confidence]}）${i.addressed ? " · 点名机器人 addressed" : ""}`,
      `任务 tasks: ${i.tasks.length ? i.tasks.join("、") : "—"}`,
      `进度 percent: ${i.percent === null ? "—" : `${i.percent}%`}`,
    ];
    for (const [k, s] of (i.args.segments ?? []).entries())
      out.push(`  ${k + 1}. 任务${s.numbers.join("、")}${s.percent === null ? "" : ` · ${s.percent}%`} · ${s.body}`);
    for (const c of i.args.candidates ?? []) out.push(`  候选 candidate: 任务${c.number} ${c.title}（${c.shared.join("、")}，${c.score}）`);
    if (i.args.name) out.push(`单位 unit: ${i.args.name}`);
    if (i.args.reason) out.push(`原因 reason: ${i.args.reason}`);
    out.push(`依据 cues: ${i.cues.length ? i.cues.join(" · ") : "—"}`);
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  });
}

function planJson(parsed: ParsedPlan) {
  return {
    plan: { title: parsed.plan.title, issuedOn: parsed.plan.issuedOn },
    sections: parsed.sections.map((s) => ({ ordinal: s.ordinal, label: s.label, title: s.title })),
    tasks: parsed.tasks.map((t) => ({
      number: t.number,
      title: t.title,
      section: t.section,
      leadUnits: t.leadUnits,
      responsibleUnits: t.responsibleUnits,
      deadline: t.deadline,
      targets: t.targets.map(({ name, count, unit, due }) => ({ name, count, unit, due })),
    })),
    warnings: parsed.warnings,
  };
}

/** The operator at the command line, for the audit trail. */
function cliActor(env: Record<string, string | undefined>, as?: string, unit: string | null = null): Actor {
  const operator = `cli:${env.USER ?? env.USERNAME ?? "operator"}`;
  return { id: as ?? operator, unit, transport: "cli", room: null, eventId: null, ...(as ? { via: operator } : {}) };
}

async function importCommand(argv: string[], config: Config, env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false }, at: { type: "string" }, dump: { type: "string" }, code: { type: "string" } },
  });
  if (values.dump !== undefined) return importDump(values.dump, config);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new CliError(`import: 请给出一个计划文件 / give one plan file\n${USAGE}`);
  let text: string;
  try {
    text = readPlanFile(file);
  } catch (e) {
    throw new CliError(`无法读取文件 ${file}：${(e as Error).message}`);
  }
  let parsed: ParsedPlan;
  try {
    parsed = parsePlan(text);
  } catch (e) {
    if (e instanceof PlanParseError) throw new CliError(`${file}：${e.message}。未写入任何数据。`);
    throw e;
  }
  const clock = clockFor(values.at, config);
  const report = values["dry-run"]
    ? null
    : await withApp(config, clock, (app) => app.repos.plans.importPlan(parsed, clock.now(), cliActor(env), values.code === undefined ? {} : { code: values.code })).catch((e) => {
        if (e instanceof PlanCodeError) throw new CliError(`import: ${e.message}。未写入任何数据。`);
        throw e;
      });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...planJson(parsed), ...(report ? { import: report } : { dryRun: true }) }, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  out.push(`${values["dry-run"] ? "试导入（未写入）" : "已导入"}《${parsed.plan.title}》：${parsed.sections.length}个部分，${parsed.tasks.length}项任务。`);
  if (report) out.push(`计划代码：${report.code}（在群里这样指明计划：${report.code} 任务1）`);
  if (report) {
    out.push(`新增${report.created.length}项，更新${report.updated.length}项，未变${report.unchanged.length}项。`);
    if (report.missing.length) out.push(`文件中已没有的任务（保留，未删除）：${report.missing.join("、")}`);
  }
  for (const w of parsed.warnings) out.push(`警告：${w}`);
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

/** `import --dump FILE`: a complete JSON dump (export --format json) into an empty database; the bundled plan is not imported first. */
async function importDump(file: string, config: Config): Promise<number> {
  let dump: unknown;
  try {
    dump = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`无法读取导出文件 ${file}：${(e as Error).message}`);
  }
  await applyMigrations(config.databaseUrl);
  const db = await openPrisma(config.databaseUrl);
  try {
    const { rows } = await loadDump(db, dump);
    process.stdout.write(`已从 ${file} 导入 ${rows} 行数据。\n`);
    return 0;
  } catch (e) {
    if (e instanceof DumpError) throw new CliError(e.message);
    throw e;
  } finally {
    await closePrisma(db);
  }
}

/** Write `data` to `--out`, or to the export folder under `name`; returns the path. */
function writeOut(out: string | undefined, config: Config, file: OutboundFile): string {
  if (out === "-") {
    process.stdout.write(file.data);
    return "-";
  }
  if (out) {
    writeFileSync(out, file.data, { mode: 0o600 });
    return out;
  }
  return writeFiles(exportDirFor(config), [file])[0]!;
}

function assertPlanActiveCli(plan: { code: string | null; archivedAt: Date | null }): void {
  if (plan.archivedAt) throw new CliError(`计划“${plan.code}”已归档，只能查询，不能再更改`);
}

/** The plan `--plan CODE` names, or the only plan in progress; with several in progress, --plan is required. */
async function planOf(app: App, code: string | undefined) {
  if (code !== undefined) {
    const plan = await app.repos.plans.planByCode(code);
    if (!plan) throw new CliError(`--plan: 没有代码为“${code}”的计划。现有计划：\n${planList(catalogue("zh"), await app.repos.plans.plans())}`);
    return plan;
  }
  const active = await app.repos.plans.activePlans();
  if (active.length === 1) return active[0]!;
  if (active.length === 0)
    throw new CliError((await app.repos.plans.plans()).length ? "没有在执行的计划（都已归档），请用 --plan 指定计划代码" : "数据库中还没有计划，请先 npx duban import FILE");
  throw new CliError(`有多个计划在执行，请用 --plan 指定其一：\n${planList(catalogue("zh"), active)}`);
}

/** `duban digest --at ISO [--json]`: the weekly digest for the 7 days ending at --at (or now). */
async function digestCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { at: { type: "string" }, plan: { type: "string" }, json: { type: "boolean", default: false } } });
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    const digest = await app.reports.digest(plan, clock.now());
    process.stdout.write(values.json ? `${JSON.stringify(digest, null, 2)}\n` : `${digestLines(digest).join("\n")}\n`);
    return 0;
  });
}

/** `duban scorecard --year 2024 [--unit U] [--json] [--at ISO]`. */
async function scorecardCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { year: { type: "string" }, unit: { type: "string" }, at: { type: "string" }, plan: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (values.year !== undefined && !/^20\d{2}$/.test(values.year)) throw new CliError(`--year: "${values.year}" 不是年份，例如 --year 2024`);
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    let unit: string | null = null;
    if (values.unit !== undefined) {
      const known = app.directory.unit(values.unit);
      if (!known) throw new CliError(`没有找到单位“${values.unit}”。可选：${app.directory.units.map((u) => u.name).join("、")}`);
      unit = known.name;
    }
    const card = await app.reports.scorecard(plan, values.year === undefined ? null : Number(values.year), clock.now());
    if (values.json) {
      const rows = unit ? card.rows.filter((r) => r.unit === unit) : card.rows;
      process.stdout.write(`${JSON.stringify({ ...card, rows }, null, 2)}\n`);
    } else process.stdout.write(`${scorecardLines(card, unit ?? undefined).join("\n")}\n`);
    return 0;
  });
}

/** `duban report --year 2024 | --midterm | --final [--at ISO] --out FILE.docx`. */
async function reportCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      year: { type: "string" },
      plan: { type: "string" },
      midterm: { type: "boolean", default: false },
      final: { type: "boolean", default: false },
      at: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const chosen = [values.year !== undefined, values.midterm, values.final].filter(Boolean).length;
  if (chosen !== 1) throw new CliError(`report: 请选择一种报告：--year 2024、--midterm 或 --final\n${USAGE}`);
  if (values.year !== undefined && !/^20\d{2}$/.test(values.year)) throw new CliError(`--year: "${values.year}" 不是年份，例如 --year 2024`);
  const kind: ReportKind = values.midterm ? { kind: "midterm" } : values.final ? { kind: "final" } : { kind: "year", year: Number(values.year) };
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(await app.reports.report(plan, kind, clock.now()), null, 2)}\n`);
      return 0;
    }
    const path = writeOut(values.out, config, await app.reports.reportFile(plan, kind, clock.now()));
    if (path !== "-") process.stdout.write(`已生成 ${path}\n`);
    return 0;
  });
}

/** `duban export --format xlsx|csv|ics|json [--at ISO] [--out FILE]`. */
async function exportCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { format: { type: "string", default: "xlsx" }, at: { type: "string" }, plan: { type: "string" }, out: { type: "string" } } });
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new CliError(`--format: 不支持“${values.format}”，可选 ${EXPORT_FORMATS.join("、")}`);
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    const path = writeOut(values.out, config, await app.reports.exportFile(plan, format, clock.now()));
    if (path !== "-") process.stdout.write(`已导出 ${path}\n`);
    return 0;
  });
}

/** `duban chart --at ISO --out FILE.png`. */
async function chartCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { at: { type: "string" }, plan: { type: "string" }, out: { type: "string" } } });
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    const path = writeOut(values.out, config, await app.reports.chartFile(plan, clock.now()));
    if (path !== "-") process.stdout.write(`已生成 ${path}\n`);
    return 0;
  });
}

function reminderJson(messages: ReminderMessage[]) {
  return messages.map((m) => ({ unit: m.unit, kind: m.kind, kinds: m.kinds, taskNumbers: m.taskNumbers, rooms: m.rooms, text: m.reply.text }));
}

/** `duban reminders --at …`: the reminders due at that instant; sent and recorded unless --dry-run. */
async function remindersCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { at: { type: "string" }, "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false } },
  });
  if (positionals.length) throw new CliError(`reminders: unexpected ${positionals.join(" ")}\n${USAGE}`);
  if (values.at === undefined && !config.now) throw new CliError(`reminders: 请用 --at 指定时间 / give --at ISO-DATETIME\n${USAGE}`);
  const clock = clockFor(values.at, config);
  return withApp(config, clock, async (app) => {
    const now = clock.now();
    const days = [dayOf(now, app.reminders.policy.timezone)];
    let messages: ReminderMessage[];
    if (values["dry-run"]) messages = await app.reminders.service.preview(days, now);
    else if (config.matrix) {
      const transport = await matrixTransportFor(app);
      await transport.connect();
      messages = await app.reminders.service.run(days, now, transport.reminderSender());
    } else {
      messages = await app.reminders.service.run(days, now, null);
      if (!values.json)
        process.stdout.write("（未配置聊天服务器：以下提醒仅显示并记录，未标记为已发送；配置 Matrix 的机器人仍会发送它们。/ no chat server: shown, not marked delivered）\n");
    }
    if (values.json) process.stdout.write(`${JSON.stringify(reminderJson(messages), null, 2)}\n`);
    else if (messages.length === 0) process.stdout.write(`${days[0]}：没有要发送的提醒。\n`);
    else printReminders(process.stdout, messages);
    return 0;
  });
}

function auditJson(e: AuditRecord) {
  const parse = (v: string | null) => (v === null ? null : (JSON.parse(v) as unknown));
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actor,
    actorUnit: e.actorUnit,
    action: e.action,
    outcome: e.outcome,
    taskId: e.taskId,
    task: e.taskNumber,
    transport: e.transport,
    room: e.room,
    eventId: e.eventId,
    before: parse(e.before),
    after: parse(e.after),
    detail: parse(e.detail),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** `duban audit`: the audit trail, newest first, or `--verify` the hash chain (exit 1 names the first broken entry). */
async function auditCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      task: { type: "string" },
      plan: { type: "string" },
      actor: { type: "string" },
      since: { type: "string" },
      json: { type: "boolean", default: false },
      verify: { type: "boolean", default: false },
      limit: { type: "string" },
    },
  });
  if (positionals.length) throw new CliError(`audit: unexpected ${positionals.join(" ")}
${USAGE}`);
  return withApp(config, clockFor(undefined, config), async (app) => {
    if (values.verify) {
      const v = await app.repos.audit.verify();
      if (values.json) process.stdout.write(`${JSON.stringify(v)}\n`);
      else if (v.ok)
        process.stdout.write(
          `审计链完整 / audit chain intact: ${v.checked} 条已校验${v.legacy ? `，另有${v.legacy}条启用哈希链之前的旧记录（无法校验）` : ""}。\n最新哈希 / head: ${v.head ?? "—"}\n`,
        );
      else process.stdout.write(`审计链已损坏 / audit chain BROKEN at entry #${v.firstBroken!.id}: ${v.firstBroken!.reason}（已校验${v.checked}条）\n`);
      return v.ok ? 0 : 1;
    }
    const filter: AuditFilter = {};
    if (values.task !== undefined) {
      const n = Number(values.task);
      const plan = await planOf(app, values.plan);
      const task = Number.isInteger(n) ? await app.repos.plans.task(plan.id, n) : null;
      if (!task) throw new CliError(`audit: --task ${values.task}: 没有这项任务 / no such task`);
      filter.taskId = task.id;
    }
    if (values.actor !== undefined) filter.actor = values.actor;
    if (values.since !== undefined) {
      const d = parseInstant(values.since);
      if (!d) throw new CliError(`audit: --since "${values.since}" 不是有效的时间，例如 2024-06-01T00:00:00+08:00`);
      filter.since = d;
    }
    const limit = values.limit === undefined ? 1_000_000 : Number(values.limit);
    const t = catalogue(config.lang);
    // Pages of 1,000 so a long trail streams instead of filling memory.
    for (let offset = 0; offset < limit; offset += 1000) {
      const page = await app.repos.audit.list(filter, Math.min(1000, limit - offset), offset);
      for (const e of page) process.stdout.write(values.json ? `${JSON.stringify(auditJson(e))}\n` : `#${e.id} ${e.taskNumber === null ? "" : `任务${e.taskNumber} `}${auditLine(t, e)}\n`);
      if (page.length < 1000) break;
    }
    return 0;
  });
}

const MIME: Record<string, string> = {
  ".pdf": "application/pdf",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".doc": "application/msword",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".txt": "text/plain",
  ".zip": "application/zip",
};

/** `duban evidence add 6 FILE --as USER`: attach a file to task 6's open completion request (or the task), as that user. */
async function evidenceCommand(argv: string[], config: Config, env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { as: { type: "string" }, at: { type: "string" }, plan: { type: "string" } } });
  const [verb, taskArg, file, ...extra] = positionals;
  if (verb !== "add" || !taskArg || !file || extra.length) throw new CliError(`evidence: usage: npx duban evidence add TASK FILE --as USER
${USAGE}`);
  if (!values.as) throw new CliError("evidence add: 请用 --as 指定提交人 / give --as USER (the officer or admin submitting it)");
  const clock = clockFor(values.at, config);
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error("not a file");
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliError(`evidence add: 无法读取文件 ${file}：${(e as Error).message}`);
  }
  if (bytes.byteLength > config.evidenceMaxMb * 1024 * 1024)
    throw new CliError(`evidence add: ${basename(file)} 大小为${formatSize(bytes.byteLength)}，超过${config.evidenceMaxMb} MB的上限，未保存。`);
  return withApp(config, clock, async (app) => {
    const plan = await planOf(app, values.plan);
    assertPlanActiveCli(plan);
    const n = Number(taskArg);
    const task = Number.isInteger(n) ? await app.repos.plans.task(plan.id, n) : null;
    if (!task) throw new CliError(`evidence add: 没有任务${taskArg} / no such task`);
    const user = values.as!;
    const unit = leadUnitFor(app.directory, user, task);
    const actor = cliActor(env, user, unit ?? app.directory.homeUnit(user));
    if (!unit && !app.directory.isAdmin(user)) {
      await app.repos.audit.append({ at: clock.now(), actor, action: "add-evidence", outcome: "refused", task, detail: { file: basename(file) } });
      throw new CliError(`evidence add: ${user} 不是任务${task.number}牵头单位的人员或科技办管理员，未保存（已记入审计）。`);
    }
    const [open] = await app.repos.requests.pending(task.id, "completion");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const name = basename(file);
    const path = await app.evidence.save(bytes, { taskNumber: task.number, sha256, name });
    const ext = name.slice(name.lastIndexOf(".")).toLowerCase();
    const stored = await app.repos.evidence.add(
      { taskId: task.id, requestId: open?.id ?? null, fileName: name, mimeType: MIME[ext] ?? "application/octet-stream", size: bytes.byteLength, sha256, path, uploader: user, eventId: null },
      actor,
      clock.now(),
    );
    process.stdout.write(`已保存任务${task.number}的佐证材料：${stored.fileName}（${formatSize(stored.size)}，sha256 ${stored.sha256}）${open ? `，附于办结申请#${open.id}` : ""}。\n`);
    return 0;
  });
}

/** `duban directory [--json]`: the effective directory, the file with the chat changes applied. */
async function directoryCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  if (positionals.length) throw new CliError(`directory: unexpected ${positionals.join(" ")}
${USAGE}`);
  return withApp(config, clockFor(undefined, config), async (app) => {
    const data = app.directoryAdmin.data;
    if (values.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else {
      const out = [`科技办 office: ${data.office}`, `管理员 admins: ${data.admins.join(", ") || "—"}`, `局领导 leaders: ${data.leaders.join(", ") || "—"}`];
      for (const u of data.units)
        out.push(`• ${u.name}${u.aliases.length ? `（${u.aliases.join("、")}）` : ""} rooms: ${u.rooms.join(", ") || "—"} · leaders: ${u.leaders.join(", ") || "—"} · members: ${u.members.join(", ") || "—"}`);
      process.stdout.write(`${out.join("\n")}\n`);
    }
    return 0;
  });
}

/** backup and restore copy a SQLite file; PostgreSQL is backed up with its own tools. */
function refuseOnPostgres(config: Config, command: "backup" | "restore"): void {
  if (!isPostgresUrl(config.databaseUrl)) return;
  throw new CliError(
    command === "backup"
      ? `backup 只备份 SQLite 文件；PostgreSQL 请用 pg_dump 备份（如 pg_dump -Fc -f duban.dump "$DATABASE_URL"），或用 npx duban export --format json 导出全部数据 / ` +
          `backup copies a SQLite file; back up PostgreSQL with pg_dump, or export everything with export --format json`
      : `restore 只恢复 SQLite 文件；PostgreSQL 请用 pg_restore 恢复，或在新建的空库上执行 npx duban import --dump 文件 / ` +
          `restore replaces a SQLite file; restore PostgreSQL with pg_restore, or load a dump into a new empty database with import --dump`,
  );
}

/** `duban backup FILE`: a consistent online backup, checked with integrity_check. Safe while the bot runs. */
async function backupCommand(argv: string[], config: Config): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new CliError(`backup: 请给出一个备份文件名 / give one backup file\n${USAGE}`);
  const target = positionals[0]!;
  refuseOnPostgres(config, "backup");
  const started = performance.now();
  const r = await backupDatabase(sqlitePathFromUrl(config.databaseUrl), target);
  process.stdout.write(`已备份到 ${target}（${formatSize(r.bytes)}，${r.pages} 页，integrity_check ok，${Math.round(performance.now() - started)} ms）/ backed up\n`);
  return 0;
}

/** `duban restore FILE`: replace the database with a backup, refused while a bot holds the database. */
async function restoreCommand(argv: string[], config: Config): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new CliError(`restore: 请给出一个备份文件 / give one backup file\n${USAGE}`);
  refuseOnPostgres(config, "restore");
  const stamp = clockFor(undefined, config).now().toISOString().replace(/[:.]/g, "-");
  const r = restoreDatabase(sqlitePathFromUrl(config.databaseUrl), positionals[0]!, stamp);
  process.stdout.write(`已从 ${positionals[0]} 恢复数据库${r.keptAs ? `；原数据库保留为 ${r.keptAs}` : ""} / restored\n`);
  return 0;
}

/** `duban doctor`: one line per check; exit 1 when any fails. */
async function doctorCommand(argv: string[], config: Config): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length) throw new CliError(`doctor: unexpected ${positionals.join(" ")}\n${USAGE}`);
  const checks = await runDoctor(config);
  const mark = { ok: "✓", fail: "✗", skip: "–" } as const;
  for (const c of checks) process.stdout.write(`${mark[c.status]} ${c.name}: ${c.detail}\n`);
  return checks.some((c) => c.status === "fail") ? 1 : 0;
}

/** The `duban` command line. Returns the exit status. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  privateUmask();
  const [command, ...rest] = argv;
  try {
    const config = readConfig(env);
    switch (command) {
      case "say":
        return await say(rest, config);
      case "explain":
        return await explain(rest, config);
      case "import":
        return await importCommand(rest, config, env);
      case "audit":
        return await auditCommand(rest, config);
      case "evidence":
        return await evidenceCommand(rest, config, env);
      case "directory":
        return await directoryCommand(rest, config);
      case "backup":
        return await backupCommand(rest, config);
      case "restore":
        return await restoreCommand(rest, config);
      case "doctor":
        return await doctorCommand(rest, config);
      case "reminders":
        return await remindersCommand(rest, config);
      case "digest":
        return await digestCommand(rest, config);
      case "scorecard":
        return await scorecardCommand(rest, config);
      case "report":
        return await reportCommand(rest, config);
      case "export":
        return await exportCommand(rest, config);
      case "chart":
        return await chartCommand(rest, config);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`未知命令 / unknown command: ${command}\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof CliError || e instanceof ConfigError || e instanceof DirectoryError || e instanceof OpsError || e instanceof UserError) {
      process.stderr.write(`duban: ${e.message}\n`);
      return 2;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`duban: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`duban: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
