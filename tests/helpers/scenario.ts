import type { Inbound } from "../../src/core/inbound.js";
import type { Reply } from "../../src/core/reply.js";
import { zonedInstant } from "../../src/core/time.js";
import type { ReminderSender } from "../../src/reminders/reminder-service.js";
import type { TempApp } from "./temp-app.js";

export const ZHANG = "@zhang:bureau.local"; // 刑侦大队, a lead unit of tasks 4, 5 and 6
const zhang = { sender: ZHANG, room: "xingzhen" };
const nullSender: ReminderSender = { send: async (_rooms: string[], _reply: Reply, _key: string) => undefined };

/**
 * A row in every table, most through the bot as people would make them: updates (retracted, edited, refused),
 * requests and their decisions, a pause, a directory change, a pending question, reminders delivered and
 * recorded, settings, evidence, targets, digests, scheduled items and many handled events. For the dump tests and for moving the
 * data from SQLite to PostgreSQL. Starts at the app's clock (2024-12-20 10:00 in both).
 */
export async function recordScenario(app: TempApp): Promise<void> {
  const step = () => app.clock.advance(60_000);
  const handle = (msg: Partial<Inbound> & { text: string }) =>
    app.bot.handle({ transport: "test", room: "console", sender: "@kejiban:bureau.local", isDirect: true, mentionsBot: true, ...msg });

  // Updates: a plain one, a retracted one, an edited one, a refused one (audit outcome "refused").
  await app.say("任务6进展：初审 30%", { ...zhang, eventId: "$a" });
  step();
  await app.say("任务6进展：复审 60%", { ...zhang, eventId: "$b" });
  step();
  await handle({ kind: "redaction", targetEventId: "$b", eventId: "$r", sender: ZHANG, room: "xingzhen", text: "", isDirect: true, mentionsBot: false });
  step();
  await app.say('任务7进展：材料已报送 😀 "引号" 50%', { eventId: "$orig" });
  step();
  await handle({ kind: "edit", targetEventId: "$orig", eventId: "$edit", text: "任务7进展：材料已报送市局 55%", mentionsBot: false });
  step();
  await app.say("任务6进展：陌生人 100%", { sender: "@evil:other.server", room: "xingzhen" });
  step();
  // A completion request with evidence, approved; an extension, approved.
  await app.say("申请办结 6 两名民警已入选市级数字工匠", { ...zhang, eventId: "$req", link: "https://matrix.to/#/!x/$req" });
  step();
  await app.say("办结审核 6 通过 确认 材料齐全");
  step();
  await app.say("申请延期 5 2025年6月底前 人员调整", { ...zhang, eventId: "$ext" });
  step();
  await app.say("延期审核 5 通过");
  step();
  await app.say("暂停提醒 12 已报市局协调");
  step();
  // A directory change made from chat, and a pending question left open.
  await app.say("绑定 @xiaoma:bureau.local 刑侦大队");
  step();
  await app.say("任务4 两名民警的材料", { ...zhang, isDirect: false, mentionsBot: false, eventId: "$p1" });
  // Reminders: one day delivered, a later day recorded without a transport (never marked delivered).
  app.clock.set(zonedInstant("2024-12-31", "09:00"));
  await app.reminders.service.run(["2024-12-31"], app.clock.now(), nullSender);
  app.clock.set(zonedInstant("2025-01-07", "09:00"));
  await app.reminders.service.run(["2025-01-07"], app.clock.now(), null);
  // What a transport records once it has finished with an event, so a redelivery is ignored.
  for (const id of ["$a", "$b", "$r", "$orig", "$edit", "$req"]) await app.bot.markHandled(id, "xingzhen");
  // Matrix event ids as they really look, mixed case and signs: a database that sorts text by a locale orders them
  // unlike SQLite, and a dump must not depend on that.
  for (const id of ["$Zq9-aBcD_xY", "$aQ1_zzT0", "$_x7Kp", "$B2mmQ-4", "$bb9Q"]) await app.bot.markHandled(id, "xingzhen");
  await app.repos.settings.set("test.note", '设置值 with "quotes"');
  await app.repos.settings.set("a.first", "1");

  // Rows of tables whose features are still being built, inserted directly.
  const now = app.clock.now();
  const task6 = await app.db.task.findFirstOrThrow({ where: { number: 6 } });
  const request = await app.db.request.findFirstOrThrow({ where: { kind: "completion" } });
  const update = await app.db.update.findFirstOrThrow({ where: { eventId: "$a" } });
  await app.db.evidence.create({
    data: {
      taskId: task6.id,
      requestId: request.id,
      fileName: "入选名单.pdf",
      mimeType: "application/pdf",
      size: 1234,
      sha256: "ab".repeat(32),
      path: `${task6.id}/1.pdf`,
      uploader: ZHANG,
      eventId: "$file",
      createdAt: now,
    },
  });
  const target = await app.db.target.create({
    data: {
      taskId: task6.id,
      name: "导出测试指标",
      unit: "名",
      count: 2,
      due: "2024-12-31",
      current: 1,
      source: "plan",
      sourceText: "培育2名市级“公安数字工匠”",
      createdAt: now,
    },
  });
  await app.db.target.create({
    data: { taskId: task6.id, name: "导出测试已删除的指标", unit: "项", count: 3, source: "admin", createdAt: now, removedAt: new Date(now.getTime() + 1) },
  });
  await app.db.targetChange.create({
    data: { targetId: target.id, fromCount: 0, toCount: 1, actor: ZHANG, actorUnit: "刑侦大队", updateId: update.id, at: now },
  });
  await app.db.targetChange.create({ data: { targetId: target.id, fromCount: 1, toCount: 1, reason: "核对", actor: "@kejiban:bureau.local", at: now } });
  await app.db.digest.create({ data: { week: "2025-01-06", createdAt: now, deliveredAt: now, deliveredRooms: JSON.stringify(["kejiban"]), attempts: 1 } });
  await app.db.digest.create({ data: { week: "2024-12-30", createdAt: now, claimToken: "tok", claimedAt: now, lastError: "timeout", attempts: 2 } });
  // The scheduler's agenda: a run done, and a follow-up pending with its payload.
  await app.repos.schedule.add({ key: "reminders.run@2024-12-30T01:00:00.000Z", kind: "reminders.run", dueAt: now, payload: "{}", createdAt: now });
  await app.db.scheduleItem.updateMany({ data: { doneAt: now, attempts: 1 } });
  await app.repos.schedule.add({ key: "renotify/1", kind: "renotify", dueAt: new Date(now.getTime() + 3_600_000), payload: '{"notice":1}', createdAt: now });

  // Enough rows in one table for the load to insert it in several chunks.
  await app.db.processedEvent.createMany({
    data: Array.from({ length: 1300 }, (_, i) => ({ eventId: `$bulk${i}`, room: "bulk", handledAt: new Date(now.getTime() - i * 1000) })),
  });
}
