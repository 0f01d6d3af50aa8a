import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Every role against every action of the roles table (docs/directory-and-roles.md, "Roles and permissions"), on a real
 * SQLite file: an allowed change is stored and audited "ok"; a refused one stores nothing and leaves
 * exactly one "refused" audit entry by that user. Queries refused to strangers store and audit nothing.
 */

const ADMIN = "@kejiban:bureau.local";
const ROLES = {
  admin: ADMIN,
  bureauLeader: "@juzhang:bureau.local", // bureau leader, in no unit
  leadLeader: "@li:bureau.local", // leader of 刑侦大队, a lead unit of tasks 5, 6, 7, 9, 10, 17, 18
  leadMember: "@zhang:bureau.local", // member of 刑侦大队
  otherMember: "@wang:bureau.local", // member of 政工室: responsible for every task only through 局属各单位
  stranger: "@evil:other.server", // in no directory entry
} as const;
type Role = keyof typeof ROLES;
const ALL = Object.keys(ROLES) as Role[];
const ONLY_ADMIN: Role[] = ["admin"];
const AUTHOR = ROLES.leadMember;

interface Action {
  name: string;
  /** Who may do it. */
  allowed: Role[];
  /** Done first, by an admin or the author, so the action has something to act on. */
  setup?: (app: TempApp) => Promise<void>;
  run: (app: TempApp, user: string) => Promise<{ text: string }>;
  /** A read: refusals change nothing and are not audited. */
  read?: boolean;
}

const msg =
  (text: string, room = "console") =>
  (app: TempApp, user: string) =>
    app.say(text, { sender: user, room });
const event =
  (kind: "edit" | "redaction", target: string, text = "") =>
  (app: TempApp, user: string) =>
    app.bot
      .handle({
        transport: "test",
        kind,
        targetEventId: target,
        eventId: `$${kind}-${target}`,
        room: "xingzhen",
        sender: user,
        text,
        isDirect: false,
        mentionsBot: false,
      })
      .then((r) => ({ text: r.replies.map((x) => x.text).join("\n") }));

const ACTIONS: Action[] = [
  { name: "query a task", allowed: ["admin", "bureauLeader", "leadLeader", "leadMember", "otherMember"], run: msg("任务6"), read: true },
  { name: "read the audit trail", allowed: ["admin", "bureauLeader", "leadLeader"], run: msg("审计 6"), read: true },
  { name: "post an update", allowed: ["admin", "leadLeader", "leadMember", "otherMember"], run: msg("任务6进展：完成初审 50%", "xingzhen") },
  {
    name: "edit another's update",
    allowed: ["admin", "leadMember"],
    setup: (app) => app.say("任务10进展：原始内容 20%", { sender: AUTHOR, room: "xingzhen", eventId: "$u10" }).then(() => undefined),
    run: event("edit", "$u10", "任务10进展：改过的内容 30%"),
  },
  {
    name: "delete another's update",
    allowed: ["admin", "leadMember"],
    setup: (app) => app.say("任务9进展：要撤回的内容 20%", { sender: AUTHOR, room: "xingzhen", eventId: "$u9" }).then(() => undefined),
    run: event("redaction", "$u9"),
  },
  {
    name: "retract another's update from chat by its number",
    // The author may name their own latest update by its number too; anyone else's needs an admin.
    allowed: ["admin", "leadMember"],
    setup: (app) => app.say("任务5进展：报错任务的内容 20%", { sender: AUTHOR, room: "xingzhen" }).then(() => undefined),
    run: msg("撤回 任务5 第1条 误报到本任务", "xingzhen"),
  },
  { name: "request completion", allowed: ["leadLeader", "leadMember"], run: msg("申请办结 7 两名民警已入选市级数字工匠", "xingzhen") },
  { name: "request an extension", allowed: ["leadLeader", "leadMember"], run: msg("申请延期 5 2025年3月底前 市局评选推迟", "xingzhen") },
  {
    name: "approve a completion request",
    allowed: ONLY_ADMIN,
    setup: (app) => app.say("申请办结 17 已完成", { sender: AUTHOR, room: "xingzhen" }).then(() => undefined),
    run: msg("办结审核 17 通过 确认 材料齐全"),
  },
  {
    name: "reject a completion request",
    allowed: ONLY_ADMIN,
    setup: (app) => app.say("申请办结 18 已完成", { sender: AUTHOR, room: "xingzhen" }).then(() => undefined),
    run: msg("办结审核 18 退回 缺少市局文件"),
  },
  {
    name: "approve an extension",
    allowed: ONLY_ADMIN,
    setup: (app) => app.say("申请延期 13 2026年3月底前 确认 设备到货推迟", { sender: AUTHOR, room: "xingzhen" }).then(() => undefined),
    run: msg("延期审核 13 通过 确认 同意"),
  },
  {
    name: "reject an extension",
    allowed: ONLY_ADMIN,
    setup: (app) => app.say("申请延期 4 2025年6月底前 设备到货推迟", { sender: AUTHOR, room: "xingzhen" }).then(() => undefined),
    run: msg("延期审核 4 退回 时限不能再推迟"),
  },
  { name: "complete a task directly", allowed: ONLY_ADMIN, run: msg("办结 20 市局已验收") },
  {
    name: "reopen a task",
    allowed: ONLY_ADMIN,
    setup: (app) => app.say("办结 21 市局已验收", { sender: ADMIN }).then(() => undefined),
    run: msg("重启任务 21 市局要求补充材料"),
  },
  { name: "change a deadline", allowed: ONLY_ADMIN, run: msg("调整时限 22 2025年6月底前 市局统一调整") },
  { name: "change the lead units", allowed: ONLY_ADMIN, run: msg("调整牵头单位 23 刑侦大队、网安大队 机构调整") },
  { name: "pause reminders", allowed: ONLY_ADMIN, run: msg("暂停提醒 24 已报市局协调") },
  { name: "bind a person to a unit", allowed: ONLY_ADMIN, run: msg("绑定 @new:bureau.local 刑侦大队") },
  { name: "unbind a person", allowed: ONLY_ADMIN, run: msg("解绑 @ye2:bureau.local 警务保障室") },
  { name: "bind a room", allowed: ONLY_ADMIN, run: msg("绑定本群 网安大队", "!newroom:bureau.local") },
];

/** Everything a change could touch, except the audit trail itself. */
async function snapshot(app: TempApp): Promise<string> {
  const [updates, requests, evidence, changes, pending, tasks] = await Promise.all([
    app.db.update.findMany({ orderBy: { id: "asc" } }),
    app.db.request.findMany({ orderBy: { id: "asc" } }),
    app.db.evidence.count(),
    app.db.directoryChange.count(),
    app.db.pendingUpdate.count(),
    app.db.task.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ updates, requests, evidence, changes, pending, tasks, directory: app.directory.data });
}

describe.each(ALL)("as %s", (role) => {
  const user = ROLES[role];
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterAll(() => app.dispose());

  it.each(ACTIONS.map((a) => [a.name, a] as const))("%s", async (_name, action) => {
    await action.setup?.(app);
    const before = await snapshot(app);
    const auditBefore = await app.db.auditLog.count();
    const { text } = await action.run(app, user);
    const after = await snapshot(app);
    const added = await app.db.auditLog.findMany({ where: { id: { gt: auditBefore } }, orderBy: { id: "asc" } });
    const allowed = action.allowed.includes(role);
    if (action.read) {
      expect(after).toBe(before);
      expect(added).toEqual([]);
      if (allowed) expect(text).not.toMatch(/不在督办名录|仅限/);
      else expect(text).toMatch(/不在督办名录中，暂不能查询|仅限科技办管理员和领导查阅/);
      return;
    }
    if (allowed) {
      expect(after, text).not.toBe(before);
      expect(added.length, text).toBeGreaterThan(0);
      expect(added.every((e) => e.outcome === "ok" && e.actor === user)).toBe(true);
    } else {
      expect(after, text).toBe(before);
      expect(added.map((e) => [e.actor, e.outcome])).toEqual([[user, "refused"]]);
      expect(text).toMatch(/只能由|不在督办名录|只有该条进展的报送人/);
    }
  });
});

describe("who an update is filed under", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  it("files an update under the author's unit, not the room's, and keeps the room", async () => {
    // @wang (政工室) posts in 刑侦大队's room: the update is 政工室's.
    await app.say("任务6进展：政工室协助推荐人选", { sender: ROLES.otherMember, room: "xingzhen", eventId: "$w" });
    const u = await app.db.update.findUniqueOrThrow({ where: { eventId: "$w" } });
    expect(u).toMatchObject({ authorUnit: "政工室", room: "xingzhen" });
  });

  it("prefers the unit that leads the task for someone in several units", async () => {
    await app.say("绑定 @wang:bureau.local 网安大队");
    // 网安大队 leads task 6; 政工室 (listed first) is only responsible.
    await app.say("任务6进展：网安大队完成测评", { sender: ROLES.otherMember, room: "zhenggong", eventId: "$w2" });
    expect((await app.db.update.findUniqueOrThrow({ where: { eventId: "$w2" } })).authorUnit).toBe("网安大队");
    // Task 8 is led by 指挥情报中心 and 治安大队: neither, so the first unit responsible (局属各单位 covers all) is used.
    await app.say("任务8进展：政工室配合完成", { sender: ROLES.otherMember, room: "zhenggong", eventId: "$w3" });
    expect((await app.db.update.findUniqueOrThrow({ where: { eventId: "$w3" } })).authorUnit).toBe("政工室");
  });

  it("reproduces the report in the issue: a stranger's 100% in 刑侦大队's room is refused and history stays clean", async () => {
    const r = await app.say("任务6进展:陌生人 100%", { sender: ROLES.stranger, room: "xingzhen", isDirect: false, mentionsBot: false });
    expect(r.text).toContain("您不在督办名录中，本条未记录");
    expect(await app.db.update.count({ where: { authorId: ROLES.stranger } })).toBe(0);
    expect((await app.say("任务6历史")).text).not.toContain("陌生人");
  });

  it("does not let someone else's edit turn an unrecorded message into an update under their name", async () => {
    // Matrix lets anyone send an m.replace; the transport passes who wrote the original.
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$chat",
      targetSender: ROLES.leadMember,
      eventId: "$chat-edit",
      room: "xingzhen",
      sender: ROLES.otherMember,
      text: "任务6进展：冒名报送 100%",
      isDirect: false,
      mentionsBot: false,
    });
    expect(r.replies[0]?.text).toBe("只有原消息的发送人或科技办管理员可以修改它，未作任何更改。");
    expect(await app.db.update.count({ where: { eventId: "$chat" } })).toBe(0);
    expect(await app.db.auditLog.count({ where: { actor: ROLES.otherMember, action: "edit", outcome: "refused" } })).toBe(1);
  });

  it("refuses an edit whose original the transport could not find, and never moves an update to a guessed task", async () => {
    const unknown = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$elsewhere",
      targetSender: "(unknown)",
      eventId: "$e2",
      room: "xingzhen",
      sender: ROLES.otherMember,
      text: "任务6进展：借别人的消息报送",
      isDirect: false,
      mentionsBot: false,
    });
    expect(unknown.replies[0]?.text).toBe("只有原消息的发送人或科技办管理员可以修改它，未作任何更改。");
    expect(await app.db.update.count({ where: { eventId: "$elsewhere" } })).toBe(0);

    await app.say("任务10进展：原始内容 20%", { sender: ROLES.leadMember, room: "xingzhen", eventId: "$g" });
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$g",
      eventId: "$g2",
      room: "xingzhen",
      sender: ROLES.leadMember,
      text: "数字工匠评选材料已报市局 30%",
      isDirect: false,
      mentionsBot: false,
    });
    expect(r.replies[0]?.text).toContain("任务10");
    const u = await app.db.update.findUniqueOrThrow({ where: { eventId: "$g" }, include: { task: true } });
    expect(u.task.number).toBe(10);
    expect(u.percent).toBe(30);
  });

  it("answers help for everyone, strangers included", async () => {
    expect((await app.say("帮助", { sender: ROLES.stranger })).text).toContain("帮助 办结");
    expect((await app.say("帮助 办结", { sender: ROLES.stranger })).text).toContain("申请办结");
  });

  it("lets strangers query only with DUBAN_OPEN_QUERIES=true, and never change anything", async () => {
    const open = await tempApp({ env: { DUBAN_OPEN_QUERIES: "true" } });
    try {
      expect((await open.say("任务6", { sender: ROLES.stranger })).text).toContain("任务6：培育");
      expect((await open.say("任务6进展:陌生人 100%", { sender: ROLES.stranger })).text).toContain("本条未记录");
      expect(await open.db.update.count()).toBe(0);
    } finally {
      await open.dispose();
    }
  });

  it("refuses an edit that moves an update to a task its author may not post on, and moves it when allowed", async () => {
    // Every task of the bundled plan names 局属各单位; narrow task 12 so that 刑侦大队 has no part in it.
    await app.db.task.update({
      where: { planId_number: { planId: (await app.repos.plans.currentPlan())!.id, number: 12 } },
      data: { responsibleUnits: '["网安大队"]' },
    });
    expect((await app.say("任务12进展：刑侦越权报送", { sender: ROLES.leadMember, room: "xingzhen" })).text).toContain(
      "任务12的进展只能由其牵头单位或责任单位（警务保障室、指挥情报中心、网安大队）",
    );
    await app.say("任务10进展：别处的内容", { sender: ROLES.leadMember, room: "xingzhen", eventId: "$n" });
    const refused = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$n",
      eventId: "$n2",
      room: "xingzhen",
      sender: ROLES.leadMember,
      text: "任务12进展：别处的内容",
      isDirect: false,
      mentionsBot: false,
    });
    expect(refused.replies[0]?.text).toContain("任务12的进展只能由");
    expect((await app.db.update.findUniqueOrThrow({ where: { eventId: "$n" }, include: { task: true } })).task.number).toBe(10);
    expect(await app.db.auditLog.count({ where: { action: "edit-move", outcome: "refused" } })).toBe(1);

    await app.say("任务10进展：内容 20%", { sender: ROLES.leadMember, room: "xingzhen", eventId: "$m" });
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$m",
      eventId: "$m2",
      room: "xingzhen",
      sender: ROLES.leadMember,
      text: "任务11进展：内容 20%",
      isDirect: false,
      mentionsBot: false,
    });
    expect(r.replies[0]?.text).toContain("任务11");
    const moved = await app.db.update.findUniqueOrThrow({ where: { eventId: "$m" }, include: { task: true } });
    expect(moved.task.number).toBe(11);
    const entry = await app.db.auditLog.findFirstOrThrow({ where: { action: "edit-move", outcome: "ok" } });
    expect(JSON.parse(entry.before!)).toMatchObject({ task: 10 });
    expect(JSON.parse(entry.after!)).toMatchObject({ task: 11 });
  });
});
