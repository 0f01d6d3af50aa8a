import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixClient, replyFrom, repliesTo, roomEvents, say, startBot, waitFor, type BotUnderTest, type RoomEvent } from "./matrix-fixture.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

/** The content field the bot puts the question's key in (src/transports/matrix.ts, ASKS). */
const ASKS = "org.duban.asks";

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let zhang: MatrixClient;
let li: MatrixClient;
let wu: MatrixClient;
let feng: MatrixClient;
let rooms: { xingzhen: string; chengguan: string };
let bot: BotUnderTest;
let botId: string;
let dir: string;

/**
 * This file's own directory, so the other e2e tests see theirs unchanged: task 6's lead units are 刑侦大队 (zhang, li;
 * its room), 网安大队 and 指挥情报中心 (no rooms); 城关派出所 (wu, feng; its own room) is only responsible for it
 * (局属各单位), so wu's 指标+1 waits for a lead unit.
 */
function writeTargetsDirectory(): string {
  const file = join(dir, "directory.json");
  writeFileSync(
    file,
    JSON.stringify({
      office: "科技办",
      admins: [users.admin!.userId],
      leaders: [],
      units: [
        { name: "科技办", rooms: [], members: [users.admin!.userId] },
        { name: "刑侦大队", rooms: [rooms.xingzhen], members: [users.zhang!.userId, users.li!.userId] },
        { name: "指挥情报中心", rooms: [] },
        { name: "网安大队", rooms: [] },
        { name: "城关派出所", rooms: [rooms.chengguan], members: [users.wu!.userId, users.feng!.userId] },
      ],
    }),
  );
  return file;
}

const target6 = async () => (await bot.app.db.target.findMany({ where: { task: { number: 6 } }, include: { changes: true } }))[0]!;

/** React 👍 (an m.annotation) on an event, as the given user. */
const thumbsUp = (client: MatrixClient, roomId: string, eventId: string): Promise<string> =>
  client.sendEvent(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key: "👍" } });

/** The bot's notices in a room that are not replies: the ones it sent on its own (the questions, the results). */
const botNotices = async (client: MatrixClient, roomId: string): Promise<RoomEvent[]> =>
  (await roomEvents(client, roomId)).filter(
    (e) => e.sender === botId && e.content.msgtype === "m.notice" && !e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id,
  );

/** Mark that the bot is done with everything sent before: it answers a status query sent after it, in order. */
async function settle(client: MatrixClient, roomId: string): Promise<RoomEvent> {
  const q = await say(client, roomId, "任务6");
  return replyFrom(client, roomId, q, botId);
}

describe("a lead unit's 👍 on the bot's target question, in another room, on a real Synapse", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      admin: await synapse.registerUser("kejiban"),
      zhang: await synapse.registerUser("zhang"),
      li: await synapse.registerUser("lisi"),
      wu: await synapse.registerUser("wu"),
      feng: await synapse.registerUser("feng"),
    };
    botId = users.bot!.userId;
    zhang = createMatrixClient(synapse.url, users.zhang!.accessToken);
    li = createMatrixClient(synapse.url, users.li!.accessToken);
    wu = createMatrixClient(synapse.url, users.wu!.accessToken);
    feng = createMatrixClient(synapse.url, users.feng!.accessToken);
    rooms = {
      // feng (城关派出所) sits in 刑侦大队's room too: a member of the room, not of a lead unit.
      xingzhen: await zhang.createRoom({ name: "刑侦大队", invite: [botId, users.li!.userId, users.feng!.userId] }),
      chengguan: await wu.createRoom({ name: "城关派出所", invite: [botId] }),
    };
    await li.joinRoom(rooms.xingzhen);
    await feng.joinRoom(rooms.xingzhen);
    dir = mkdtempSync(join(tmpdir(), "duban-e2e-targets-"));
    bot = await startBot(synapse, users.bot!, writeTargetsDirectory(), [users.zhang!.userId, users.wu!.userId]);
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).length === 2, 30_000, "bot joined both rooms");
  }, 180_000);

  afterAll(async () => {
    await bot?.dispose();
    await synapse?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("moves the count 0→1 on a 👍 on the question notice, tells the reporter's room, and no other 👍 moves it", async () => {
    // A responsible-only unit's member reports a target move in their own room: recorded, the count waits.
    const report = await say(wu, rooms.chengguan, "任务6进展：王五入选市级数字工匠 指标+1");
    const waiting = await replyFrom(wu, rooms.chengguan, report, botId);
    expect(waiting.content.body).toContain("已记录任务6（培育“公安数字工匠”）的第1条进展");
    expect(waiting.content.body).toContain("须由牵头单位（刑侦大队、网安大队、指挥情报中心）或科技办确认，已请其确认，24小时内有效；确认前指标不变。");
    const update = await bot.app.db.update.findFirstOrThrow({ where: { eventId: report } });
    expect(update).toMatchObject({ authorId: users.wu!.userId, authorUnit: "城关派出所", room: rooms.chengguan });
    expect((await target6()).current).toBe(0);

    // The question goes to the lead unit's room, as a notice of its own that carries the question's key.
    const question = await waitFor(
      async () => (await botNotices(zhang, rooms.xingzhen)).find((e) => typeof e.content[ASKS] === "string"),
      30_000,
      "the target question in 刑侦大队's room",
    );
    expect(question.content.body).toContain("城关派出所报送“王五入选市级数字工匠 指标+1”，申请指标变动：市级“公安数字工匠” +1。");
    expect(question.content[ASKS]).toBe(`target-${update.id}-${rooms.xingzhen}`);

    // A 👍 from someone in the room who is not in a lead unit answers nothing.
    const stray = await thumbsUp(feng, rooms.xingzhen, question.event_id);
    await waitFor(() => bot.app.db.processedEvent.findUnique({ where: { eventId: stray } }), 30_000, "the stray 👍 handled");
    expect((await target6()).current).toBe(0);
    expect(await repliesTo(zhang, rooms.xingzhen, stray, botId)).toEqual([]);

    // A lead unit member's 👍 on the notice confirms the move.
    const thumb = await thumbsUp(zhang, rooms.xingzhen, question.event_id);
    const confirmed = await replyFrom(zhang, rooms.xingzhen, thumb, botId);
    expect(confirmed.content.body).toBe("已确认任务6的指标变动：\n指标：市级“公安数字工匠” 0→1/2名");
    const t = await target6();
    expect(t.current).toBe(1);
    expect(t.changes).toMatchObject([{ fromCount: 0, toCount: 1, actor: users.zhang!.userId, actorUnit: "刑侦大队", updateId: update.id }]);
    // The reporter's room is told.
    const told = await waitFor(
      async () => (await botNotices(wu, rooms.chengguan)).find((e) => e.content.body?.includes("确认")),
      30_000,
      "the confirmation in 城关派出所's room",
    );
    expect(told.content.body).toBe("任务6的指标变动已由刑侦大队确认：\n指标：市级“公安数字工匠” 0→1/2名");
    expect((await settle(wu, rooms.chengguan)).content.body).toContain("市级“公安数字工匠” 1/2名");

    // A second lead member's 👍 on the same, answered question moves nothing.
    const again = await thumbsUp(li, rooms.xingzhen, question.event_id);
    await waitFor(() => bot.app.db.processedEvent.findUnique({ where: { eventId: again } }), 30_000, "the second 👍 handled");
    await settle(zhang, rooms.xingzhen);
    expect((await target6()).current).toBe(1);
    expect((await target6()).changes).toHaveLength(1);
    expect(await bot.app.db.auditLog.count({ where: { action: "target-confirm", outcome: "ok" } })).toBe(1);
    expect((await botNotices(wu, rooms.chengguan)).filter((e) => e.content.body?.includes("确认"))).toHaveLength(1);
  });
});
