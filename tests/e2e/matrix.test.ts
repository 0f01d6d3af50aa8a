import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { join } from "node:path";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zonedInstant } from "../../src/core/time.js";
import { createMatrixClient, replyFrom, repliesTo, roomEvents, say, startBot, waitFor, writeDirectory, type BotUnderTest } from "./matrix-fixture.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let officer: MatrixClient;
let leader: MatrixClient;
let admin: MatrixClient;
let rooms: { xingzhen: string; office: string; leader: string };
let bot: BotUnderTest;
let botId: string;
let dir: string;

const updates = (where: object = {}) => bot.app.db.update.findMany({ where, orderBy: { id: "asc" } });

describe("duban on a real Synapse homeserver", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      bot2: await synapse.registerUser("duban2"),
      bot3: await synapse.registerUser("duban3"),
      officer: await synapse.registerUser("zhang", { displayName: "张伟" }),
      leader: await synapse.registerUser("juzhang"),
      admin: await synapse.registerUser("kejiban"),
      stranger: await synapse.registerUser("mallory"),
    };
    botId = users.bot!.userId;
    officer = createMatrixClient(synapse.url, users.officer!.accessToken);
    leader = createMatrixClient(synapse.url, users.leader!.accessToken);
    admin = createMatrixClient(synapse.url, users.admin!.accessToken);
    rooms = {
      xingzhen: await officer.createRoom({ name: "刑侦大队", invite: [botId, users.leader!.userId] }),
      office: await admin.createRoom({ name: "科技办", invite: [botId] }),
      leader: await leader.createRoom({ name: "局领导", invite: [botId] }),
    };
    // History from before the bot joined must never be taken as a new command.
    await say(officer, rooms.xingzhen, "任务6进展:这是机器人加入前的旧消息 10%");
    dir = (await import("node:fs")).mkdtempSync(join((await import("node:os")).tmpdir(), "duban-e2e-dir-"));
    const directory = writeDirectory(dir, rooms, users);
    bot = await startBot(synapse, users.bot!, directory, [users.officer!.userId, users.leader!.userId, users.admin!.userId]);
    await leader.joinRoom(rooms.xingzhen);
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).length === 3, 30_000, "bot joined the three rooms it was invited to");
  }, 180_000);

  afterAll(async () => {
    await bot?.dispose();
    await synapse?.stop();
  });

  it("records an officer's update, replies in-thread as a notice and reacts ✅", async () => {
    const eventId = await say(officer, rooms.xingzhen, "任务6进展:完成初审 60%");
    const r = await replyFrom(officer, rooms.xingzhen, eventId, botId);
    expect(r.content.body).toContain("已记录任务6（培育“公安数字工匠”）的第1条进展，进度60%：完成初审 60%");
    expect(r.content.format).toBe("org.matrix.custom.html");
    const reaction = await waitFor(
      async () => (await roomEvents(officer, rooms.xingzhen)).find((e) => e.type === "m.reaction" && e.content["m.relates_to"]?.event_id === eventId),
      15_000,
      "✅ reaction",
    );
    expect(reaction.content["m.relates_to"]).toMatchObject({ rel_type: "m.annotation", key: "✅" });
    const all = await updates();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ text: "完成初审 60%", percent: 60, authorId: users.officer!.userId, authorUnit: "刑侦大队", room: rooms.xingzhen, eventId });
  });

  it("answers a leader's status query in another room with that update in it", async () => {
    const eventId = await say(leader, rooms.leader, "status task 6");
    const r = await replyFrom(leader, rooms.leader, eventId, botId);
    expect(r.content.body).toContain("任务6：培育“公安数字工匠”");
    // The author by name, from their Matrix profile (the e2e directory names nobody), not by id.
    expect(r.content.body).toContain("张伟（刑侦大队）：完成初审 60%");
    expect(r.content.body).not.toContain(users.officer!.userId);
    expect(r.content.formatted_body).toContain("<b>任务6：培育“公安数字工匠”</b>");
  });

  it("ignores chatter in a group room, and its own and other bots' notices", async () => {
    const chatter = await say(officer, rooms.xingzhen, "大家辛苦了");
    const notice = await officer.sendMessage(rooms.xingzhen, { msgtype: "m.notice", body: "任务6" });
    const marker = await say(officer, rooms.xingzhen, "任务5");
    await replyFrom(officer, rooms.xingzhen, marker, botId);
    expect(await repliesTo(officer, rooms.xingzhen, chatter, botId)).toEqual([]);
    expect(await repliesTo(officer, rooms.xingzhen, notice, botId)).toEqual([]);
  });

  it("answers a message that mentions it by name, with a hint when it is not a command", async () => {
    const eventId = await say(officer, rooms.xingzhen, "督办: 你好");
    expect((await replyFrom(officer, rooms.xingzhen, eventId, botId)).content.body).toContain("发送“帮助”查看用法");
    const q = await say(officer, rooms.xingzhen, `${botId} 任务6`);
    expect((await replyFrom(officer, rooms.xingzhen, q, botId)).content.body).toContain("任务6：");
  });

  it("processes exactly once, after a restart, the messages sent while it was down, and nothing earlier", async () => {
    await bot.stop();
    const a = await say(officer, rooms.xingzhen, "任务6进展:停机期间第一条 70%");
    const b = await say(officer, rooms.xingzhen, "任务6进展:停机期间第二条 75%");
    await bot.restart();
    await replyFrom(officer, rooms.xingzhen, b, botId);
    await replyFrom(officer, rooms.xingzhen, a, botId);
    const texts = (await updates()).map((u) => u.text);
    expect(texts.filter((t) => t.startsWith("停机期间第一条"))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith("停机期间第二条"))).toHaveLength(1);
    expect(texts.some((t) => t.includes("机器人加入前的旧消息"))).toBe(false);
    expect(texts).toHaveLength(3);
    const first = (await updates({ text: "完成初审 60%" }))[0]!;
    expect(await repliesTo(officer, rooms.xingzhen, first.eventId!, botId)).toHaveLength(1);
  });

  it("fills the gap when more messages arrived while it was down than one sync returns", async () => {
    await bot.stop();
    for (let i = 1; i <= 110; i++) await say(officer, rooms.xingzhen, `任务4进展:批量${i}`);
    await bot.restart();
    const stored = await waitFor(
      async () => {
        const rows = await updates({ text: { startsWith: "批量" } });
        return rows.length >= 110 ? rows : null;
      },
      90_000,
      "all 110 updates recorded",
    );
    expect(new Set(stored.map((u) => u.text)).size).toBe(110);
    expect(stored.map((u) => u.text).slice(0, 3)).toEqual(["批量1", "批量2", "批量3"]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await updates({ text: { startsWith: "批量" } })).toHaveLength(110);
  }, 120_000);

  it("survives a homeserver restart and answers a message sent afterwards", async () => {
    await synapse.restart();
    const eventId = await say(officer, rooms.xingzhen, "任务7");
    const r = await replyFrom(officer, rooms.xingzhen, eventId, botId, 60_000);
    expect(r.content.body).toContain("任务7：");
  }, 90_000);

  it("declines an invite from a user who is not allowed and accepts one from an allowed user", async () => {
    const stranger = createMatrixClient(synapse.url, users.stranger!.accessToken);
    const denied = await stranger.createRoom({ name: "陌生人", invite: [botId] });
    const allowed = await officer.createRoom({ name: "刑侦二组", invite: [botId] });
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).includes(allowed), 30_000, "joined the allowed room");
    const membership = await waitFor(
      async () => (await stranger.getRoomStateEvent(denied, "m.room.member", botId).catch(() => null))?.membership === "leave",
      30_000,
      "declined the stranger's invite",
    );
    expect(membership).toBe(true);
    expect(await bot.transport.client.getJoinedRooms()).not.toContain(denied);
  });

  it("revises an update on an edit, keeping the earlier text, and retracts it on a redaction", async () => {
    const eventId = await say(officer, rooms.xingzhen, "任务5进展:团队组建中 20%");
    await replyFrom(officer, rooms.xingzhen, eventId, botId);
    await officer.sendMessage(rooms.xingzhen, {
      msgtype: "m.text",
      body: "* 任务5进展:团队已组建 40%",
      "m.new_content": { msgtype: "m.text", body: "任务5进展:团队已组建 40%" },
      "m.relates_to": { rel_type: "m.replace", event_id: eventId },
    });
    const edited = await waitFor(async () => (await updates({ eventId }))[0]?.editedAt && (await updates({ eventId }))[0], 20_000, "edit recorded");
    expect(edited).toMatchObject({ text: "团队已组建 40%", percent: 40 });
    expect(JSON.parse(edited.revisions)).toEqual([expect.objectContaining({ text: "团队组建中 20%", percent: 20 })]);
    expect((await bot.app.db.task.findFirst({ where: { number: 5 } }))?.progress).toBe(40);

    await officer.redactEvent(rooms.xingzhen, eventId, "写错了");
    const retracted = await waitFor(async () => (await updates({ eventId }))[0]?.retractedAt && (await updates({ eventId }))[0], 20_000, "redaction recorded");
    expect(retracted.retractedAt).not.toBeNull();
    const task5 = await bot.app.db.task.findFirst({ where: { number: 5 } });
    expect(task5).toMatchObject({ progress: null, updateCount: 0 });
  });

  it("asks about a report it is unsure of, and records it when the author reacts 👍 on the question", async () => {
    const eventId = await say(officer, rooms.xingzhen, "任务4 领军人才推荐材料");
    const question = await replyFrom(officer, rooms.xingzhen, eventId, botId);
    expect(question.content.body).toContain("要记录为任务4（挖掘培养科技创新领军人才）的进展吗？");
    expect(await updates({ eventId })).toHaveLength(0);
    // Somebody else's 👍 does not count.
    await leader.sendEvent(rooms.xingzhen, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: question.event_id, key: "👍" } });
    await officer.sendEvent(rooms.xingzhen, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: question.event_id, key: "👍" } });
    const [u] = await waitFor(
      async () => {
        const rows = await updates({ eventId });
        return rows.length ? rows : undefined;
      },
      20_000,
      "the confirmed update",
    );
    expect(u).toMatchObject({ text: "领军人才推荐材料", authorId: users.officer!.userId, authorUnit: "刑侦大队", room: rooms.xingzhen });
    expect(await updates({ eventId })).toHaveLength(1);
    expect((await bot.app.db.pendingUpdate.findUnique({ where: { eventId } }))?.resolvedBy).toBe(users.officer!.userId);
  });

  it("records a report written as people write, and stays silent on chatter that mentions a task", async () => {
    const report = await say(officer, rooms.xingzhen, "【任务5】本周组织团队申报材料初审，进度约五成");
    expect((await replyFrom(officer, rooms.xingzhen, report, botId)).content.body).toContain("已记录任务5");
    expect((await updates({ eventId: report }))[0]).toMatchObject({ percent: 50, text: "本周组织团队申报材料初审，进度约五成" });
    const chatter = await say(officer, rooms.xingzhen, "任务5的材料明天交");
    const after = await say(officer, rooms.xingzhen, "任务5目前啥进度？");
    expect((await replyFrom(officer, rooms.xingzhen, after, botId)).content.body).toContain("任务5：遴选培育公安科技创新团队");
    expect(await repliesTo(officer, rooms.xingzhen, chatter, botId)).toHaveLength(0);
    expect(await updates({ eventId: chatter })).toHaveLength(0);
  });

  it("escapes user text in formatted_body", async () => {
    const eventId = await say(officer, rooms.xingzhen, "任务6进展:<b>x</b><script>alert(1)</script>");
    const r = await replyFrom(officer, rooms.xingzhen, eventId, botId);
    expect(r.content.formatted_body).toContain("&lt;b&gt;x&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(r.content.formatted_body).not.toMatch(/<script>|<b>x<\/b>/);
  });

  it("with encryption off (DUBAN_ENCRYPTION=false), says once, in plain words, that it cannot read an encrypted room", async () => {
    // Encryption is on by default (tests/e2e/matrix-encrypted*.test.ts); a second bot account runs without it here.
    const { matrixTransportFor } = await import("../../src/app.js");
    const plain = await matrixTransportFor(bot.app, {
      accessToken: users.bot2!.accessToken,
      storageFile: join(bot.dir, "plain-sync.json"),
      encryption: undefined,
      syncTimeoutMs: 1000,
    });
    await plain.start();
    const plainId = users.bot2!.userId;
    const encrypted = await officer.createRoom({
      name: "加密房间",
      invite: [plainId],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    const notice = await waitFor(
      async () => (await roomEvents(officer, encrypted)).find((e) => e.sender === plainId && e.content.msgtype === "m.notice"),
      30_000,
      "encryption notice",
    );
    expect(notice.content.body).toContain("本机器人无法读取加密消息");
    await officer.sendEvent(encrypted, "m.room.encrypted", {
      algorithm: "m.megolm.v1.aes-sha2",
      ciphertext: "x",
      sender_key: "y",
      session_id: "z",
      device_id: "d",
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await roomEvents(officer, encrypted)).filter((e) => e.sender === plainId && e.content.msgtype === "m.notice")).toHaveLength(1);
    await plain.stop();
  });

  it("delivers a reminder into the unit's room, mentioning the unit's members", async () => {
    const messages = await bot.app.reminders.service.run(["2024-12-31"], zonedInstant("2024-12-31", "09:00"), bot.transport.reminderSender());
    expect(messages.find((m) => m.unit === "刑侦大队")?.taskNumbers).toEqual([4, 5, 6]);
    const reminder = await waitFor(
      async () => (await roomEvents(officer, rooms.xingzhen)).find((e) => e.sender === botId && e.content.body?.startsWith("【督办提醒】刑侦大队")),
      20_000,
      "reminder in the 刑侦大队 room",
    );
    expect(reminder.content.body).toContain("今天到期（3项）");
    expect(reminder.content["m.mentions"]?.user_ids).toEqual([users.officer!.userId]);
    expect(reminder.content.formatted_body).toContain(`<a href="https://matrix.to/#/${encodeURIComponent(users.officer!.userId)}">`);
    const again = await bot.app.reminders.service.run(["2024-12-31"], zonedInstant("2024-12-31", "09:00"), bot.transport.reminderSender());
    expect(again).toEqual([]);
  });

  it("reads a reply to its reminder that names no task as about the reminder's task whose subject it names (issue 25)", async () => {
    const reminder = await waitFor(
      async () => (await roomEvents(officer, rooms.xingzhen)).find((e) => e.sender === botId && e.content.body?.startsWith("【督办提醒】刑侦大队")),
      20_000,
      "the reminder of the test before",
    );
    const text = "数字工匠评选又推荐了两名民警，进度七成";
    const eventId = await officer.sendMessage(rooms.xingzhen, {
      msgtype: "m.text",
      body: text,
      "m.relates_to": { "m.in_reply_to": { event_id: reminder.event_id } },
    });
    expect((await replyFrom(officer, rooms.xingzhen, eventId, botId)).content.body).toContain("已记录任务6（培育“公安数字工匠”）");
    const task6 = await bot.app.db.task.findFirstOrThrow({ where: { number: 6 } });
    expect(await updates({ eventId })).toEqual([expect.objectContaining({ taskId: task6.id, percent: 70, text })]);
    // `收到` in reply to the reminder, with the mention of the bot that Element adds to a reply: chatter, so silence.
    const ack = await officer.sendMessage(rooms.xingzhen, {
      msgtype: "m.text",
      body: "收到",
      "m.mentions": { user_ids: [botId] },
      "m.relates_to": { "m.in_reply_to": { event_id: reminder.event_id } },
    });
    const marker = await say(officer, rooms.xingzhen, "任务5");
    await replyFrom(officer, rooms.xingzhen, marker, botId);
    expect(await repliesTo(officer, rooms.xingzhen, ack, botId)).toEqual([]);
    // The same words, not a reply: they name the task only by its subject, so the bot asks first and records nothing.
    const alone = await say(officer, rooms.xingzhen, text);
    const asked = (await replyFrom(officer, rooms.xingzhen, alone, botId)).content.body;
    expect(asked).toContain("要记录为");
    expect(asked).toContain("任务6");
    expect(await updates({ eventId: alone })).toEqual([]);
  });

  it("refuses a wrong token or an unreachable server with a clear error, and can log in with a password", async () => {
    const { MatrixTransport, MatrixStartError } = await import("../../src/transports/matrix.js");
    const base = { bot: bot.app.bot, settings: bot.app.repos.settings, allowedInviters: [], logger: bot.app.logger, storageFile: join(bot.dir, "x.json") };
    const wrong = new MatrixTransport({ ...base, homeserverUrl: synapse.url, accessToken: "syt_wrong" });
    await expect(wrong.connect()).rejects.toThrow(MatrixStartError);
    await expect(wrong.connect()).rejects.toThrow(/rejected the credentials \(M_UNKNOWN_TOKEN\); check the access token/);
    const down = new MatrixTransport({ ...base, homeserverUrl: "http://127.0.0.1:9", accessToken: "x" });
    await expect(down.connect()).rejects.toThrow(/cannot reach the homeserver at http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/);
    const byPassword = new MatrixTransport({ ...base, homeserverUrl: synapse.url, user: "duban2", password: users.bot2!.password });
    await byPassword.connect();
    expect(byPassword.userId).toBe(users.bot2!.userId);
    const badPassword = new MatrixTransport({ ...base, homeserverUrl: synapse.url, user: "duban2", password: "nope" });
    await expect(badPassword.connect()).rejects.toThrow(/refused the login \(M_FORBIDDEN/);
  });

  it("does not replay old room history when it starts with a new database and sync file in rooms it already joined", async () => {
    await bot.stop();
    // A new database, but the bot's crypto store kept (its device keys are already on the server: a new store for the
    // same device would be refused).
    const { cryptoStoreDirFor } = await import("../../src/app.js");
    const fresh = await startBot(synapse, users.bot!, join(dir, "directory.json"), [users.officer!.userId], undefined, {
      encryption: { storeDir: cryptoStoreDirFor(bot.app.config) },
    });
    try {
      const marker = await say(officer, rooms.xingzhen, "任务7");
      await replyFrom(officer, rooms.xingzhen, marker, botId);
      expect(await fresh.app.db.update.count()).toBe(0);
      expect(await fresh.app.db.processedEvent.count()).toBe(1);
    } finally {
      await fresh.dispose();
      await bot.restart();
    }
  });

  it("refuses a stranger's update in a unit's room, and stores nothing", async () => {
    const stranger = createMatrixClient(synapse.url, users.stranger!.accessToken);
    await officer.inviteUser(users.stranger!.userId, rooms.xingzhen);
    await stranger.joinRoom(rooms.xingzhen);
    const eventId = await say(stranger, rooms.xingzhen, "任务6进展:陌生人 100%");
    const r = await replyFrom(officer, rooms.xingzhen, eventId, botId);
    expect(r.content.body).toBe("您不在督办名录中，本条未记录。请联系科技办将您加入所在单位。");
    expect(await updates({ authorId: users.stranger!.userId })).toHaveLength(0);
    const entry = await bot.app.db.auditLog.findFirstOrThrow({ where: { actor: users.stranger!.userId } });
    expect(entry).toMatchObject({ action: "update", outcome: "refused", taskNumber: 6, transport: "matrix", room: rooms.xingzhen, eventId });
  });

  it("refuses another user's edit of an officer's update, and leaves the update as it was", async () => {
    const eventId = await say(officer, rooms.xingzhen, "任务7进展:完成需求调研 30%");
    await replyFrom(officer, rooms.xingzhen, eventId, botId);
    const edit = await leader.sendMessage(rooms.xingzhen, {
      msgtype: "m.text",
      body: "* 任务7进展:已全部完成 100%",
      "m.new_content": { msgtype: "m.text", body: "任务7进展:已全部完成 100%" },
      "m.relates_to": { rel_type: "m.replace", event_id: eventId },
    });
    const refusal = await replyFrom(officer, rooms.xingzhen, edit, botId);
    expect(refusal.content.body).toContain("只有该条进展的报送人或科技办管理员可以修改或撤回");
    const [u] = await updates({ eventId });
    expect(u).toMatchObject({ text: "完成需求调研 30%", percent: 30, editedAt: null });
    expect(await bot.app.db.auditLog.count({ where: { actor: users.leader!.userId, action: "edit", outcome: "refused" } })).toBe(1);
  });

  it("takes an officer's image sent as a reply to the completion request as evidence, with the right sha256", async () => {
    const request = await say(officer, rooms.xingzhen, "申请办结 6 两名民警已入选市级数字工匠");
    const confirmation = await replyFrom(officer, rooms.xingzhen, request, botId);
    expect(confirmation.content.body).toContain("已提交任务6“培育“公安数字工匠””的办结申请");
    // The office's room is told, with a link to the request.
    const notice = await waitFor(
      async () => (await roomEvents(admin, rooms.office)).find((e) => e.sender === botId && e.content.body?.includes("【办结申请】任务6")),
      20_000,
      "the office's notice",
    );
    expect(notice.content.body).toContain(encodeURIComponent(request));
    // A 1×1 PNG, sent as a reply to the bot's confirmation.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const mxc = await officer.uploadContent(png, "image/png", "证书.png");
    const image = await officer.sendMessage(rooms.xingzhen, {
      msgtype: "m.image",
      body: "证书.png",
      url: mxc,
      info: { mimetype: "image/png", size: png.byteLength, w: 1, h: 1 },
      "m.relates_to": { "m.in_reply_to": { event_id: confirmation.event_id } },
    });
    const stored = await replyFrom(officer, rooms.xingzhen, image, botId);
    const sha = createHash("sha256").update(png).digest("hex");
    expect(stored.content.body).toBe(`已收到任务6的佐证材料：证书.png（${png.byteLength} B，sha256 ${sha.slice(0, 16)}）。`);
    const row = await bot.app.db.evidence.findFirstOrThrow({ where: { eventId: image } });
    expect(row).toMatchObject({ sha256: sha, size: png.byteLength, mimeType: "image/png", uploader: users.officer!.userId, fileName: "证书.png" });
    expect(readFileSync(join(bot.app.evidence.root, row.path))).toEqual(png);
    // A file that replies to no request is ignored.
    const loose = await officer.sendMessage(rooms.xingzhen, {
      msgtype: "m.image",
      body: "随手拍.png",
      url: mxc,
      info: { mimetype: "image/png", size: png.byteLength },
    });
    const after = await say(officer, rooms.xingzhen, "任务6");
    await replyFrom(officer, rooms.xingzhen, after, botId);
    expect(await repliesTo(officer, rooms.xingzhen, loose, botId)).toHaveLength(0);
    expect(await bot.app.db.evidence.count()).toBe(1);
  });

  it("loses nothing confirmed and records a burst of 200 exactly once when killed with SIGKILL mid-burst", async () => {
    const room = await officer.createRoom({ name: "断电测试", invite: [users.bot3!.userId] });
    const dbFile = join(bot.dir, "crash.db");
    const env = {
      ...process.env,
      ...bot.env,
      DATABASE_URL: `file:${dbFile}`,
      MATRIX_ACCESS_TOKEN: users.bot3!.accessToken,
      DUBAN_NOW: "2024-06-30T10:00:00+08:00",
    };
    const start = (extra: Record<string, string> = {}) => {
      // node itself, so the SIGKILL hits the bot and nothing in between.
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: join(import.meta.dirname, "../.."), env: { ...env, ...extra } });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      return { child, exited, log: () => stderr };
    };
    const first = start();
    await waitFor(() => first.log().includes("matrix transport started"), 60_000, "crash bot started");
    await waitFor(async () => (await officer.getJoinedRoomMembers(room)).includes(users.bot3!.userId), 30_000, "crash bot joined");
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) sent.push(await say(officer, room, `任务${(i % 25) + 1}进展：断电测试第${i + 1}条 ${i % 100}%`));
    const confirmed = async () => {
      const events = await roomEvents(officer, room, 1000);
      // A confirmation is the ✅ (sent first) or the "已记录" reply: either one promises the update is stored.
      const bot3 = events.filter((e) => e.sender === users.bot3!.userId);
      return new Set(
        [
          ...bot3.filter((e) => e.content.body?.startsWith("已记录任务")).map((e) => e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id),
          ...bot3.filter((e) => e.type === "m.reaction" && e.content["m.relates_to"]?.key === "✅").map((e) => e.content["m.relates_to"]?.event_id),
        ].filter((id): id is string => typeof id === "string"),
      );
    };
    await waitFor(async () => (await confirmed()).size >= 40, 60_000, "some confirmations before the kill");
    first.child.kill("SIGKILL");
    await first.exited;
    const confirmedAtKill = await confirmed();
    expect(confirmedAtKill.size).toBeLessThan(200);
    const stored = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return db
          .prepare('SELECT eventId FROM "Update"')
          .all()
          .map((r) => (r as { eventId: string }).eventId);
      } finally {
        db.close();
      }
    };
    // Every update whose confirmation reached the room is in the database.
    const atKill = new Set(stored());
    for (const id of confirmedAtKill) expect(atKill.has(id), id).toBe(true);

    // At debug level the bot logs each group commit: the backlog comes in sync batches of many messages.
    const second = start({ LOG_LEVEL: "debug" });
    try {
      await waitFor(() => stored().length >= 200, 120_000, "all 200 updates recorded after the restart");
      const groups = second
        .log()
        .split("\n")
        .filter((l) => l.includes("group commit"))
        .map((l) => (JSON.parse(l) as { messages: number }).messages);
      expect(groups.length).toBeGreaterThan(0);
      expect(Math.max(...groups)).toBeGreaterThan(1);
      const ids = stored();
      expect(ids).toHaveLength(200);
      expect(new Set(ids)).toEqual(new Set(sent));
      const db = new Database(dbFile, { readonly: true });
      try {
        const audited = db
          .prepare("SELECT eventId FROM AuditLog WHERE action = 'update' AND outcome = 'ok'")
          .all()
          .map((r) => (r as { eventId: string }).eventId);
        expect(audited.sort()).toEqual([...ids].sort());
      } finally {
        db.close();
      }
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }, 300_000);

  it("passes doctor's homeserver check, and keeps the sync file private", async () => {
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, "../../bin/duban.js"), "doctor"], {
        cwd: join(import.meta.dirname, "../.."),
        env: { ...process.env, ...bot.env },
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.on("close", (code) => resolve({ code, stdout }));
    });
    expect(r.stdout).toMatch(new RegExp(`^✓ Matrix: ${synapse.url.replace(/[.]/g, "\\.")} 可达，令牌有效，身份 ${users.bot!.userId}`, "m"));
    const { statSync } = await import("node:fs");
    expect(statSync(`${bot.dbUrl.slice("file:".length)}.matrix-sync.json`).mode & 0o777).toBe(0o600);
  });

  it("runs as npm start with Matrix settings and stops cleanly on SIGTERM", async () => {
    const room = await officer.createRoom({ name: "进程测试", invite: [users.bot2!.userId] });
    const env = {
      ...process.env,
      ...bot.env,
      DATABASE_URL: `file:${join(bot.dir, "process.db")}`,
      MATRIX_ACCESS_TOKEN: users.bot2!.accessToken,
      DUBAN_NOW: "2024-06-30T10:00:00+08:00",
    };
    // Its own process group, so SIGTERM reaches the bot the way a service manager sends it: to the whole group.
    const child = spawn("npm", ["start", "--silent"], { cwd: join(import.meta.dirname, "../.."), env, detached: true });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const withLog = <T>(p: Promise<T>) => p.catch((e: Error) => Promise.reject(new Error(`${e.message}\nbot stderr:\n${stderr}`)));
    await withLog(waitFor(() => stderr.includes("matrix transport started"), 60_000, "bot process started"));
    await withLog(waitFor(async () => (await officer.getJoinedRoomMembers(room)).includes(users.bot2!.userId), 30_000, "process bot joined"));
    const eventId = await say(officer, room, "任务6");
    const r = await replyFrom(officer, room, eventId, users.bot2!.userId);
    expect(r.content.body).toContain("任务6：");
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    await withLog(waitFor(() => stderr.includes('"msg":"stopped"'), 20_000, "bot finished in-flight work and closed the database"));
    expect(stderr).toContain('"signal":"SIGTERM","msg":"stopping"');
    await waitFor(
      () => {
        try {
          process.kill(-child.pid!, 0);
          return false;
        } catch {
          return true;
        }
      },
      20_000,
      "every process of the group exited",
    );
  }, 120_000);

  it("leaves audit entries that match the stored updates one for one, on an intact chain", async () => {
    const stored = await updates();
    expect(stored.length).toBeGreaterThan(100);
    const entries = await bot.app.db.auditLog.findMany({ where: { action: "update", outcome: "ok" } });
    const ids = entries.map((e) => (JSON.parse(e.after!) as { updateId: number }).updateId).sort((a, b) => a - b);
    expect(ids).toEqual(stored.map((u) => u.id));
    expect(entries.map((e) => e.eventId).sort()).toEqual(stored.map((u) => u.eventId).sort());
    expect((await bot.app.repos.audit.verify()).ok).toBe(true);
  });
});
