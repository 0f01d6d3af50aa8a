import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixClient, replyFrom, roomEvents, say, startBot, waitFor, type BotUnderTest, type RoomEvent } from "./matrix-fixture.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let admin: MatrixClient;
let zhang: MatrixClient;
let feng: MatrixClient;
let xiaoma: MatrixClient;
let rooms: { xingzhen: string; office: string };
let bot: BotUnderTest;
let botId: string;
let dir: string;

/**
 * This file's own directory: 刑侦大队 counts its room's people as members (members_from_room); zhang is its member by the
 * file. feng sits in the room before the bot starts; xiaoma (马晓) joins during the run and leaves again.
 */
function writeRoomMembersDirectory(): string {
  const file = join(dir, "directory.json");
  writeFileSync(
    file,
    JSON.stringify({
      office: "科技办",
      admins: [users.admin!.userId],
      leaders: [],
      units: [
        { name: "科技办", rooms: [rooms.office], members: [users.admin!.userId] },
        { name: "刑侦大队", rooms: [rooms.xingzhen], members: [users.zhang!.userId], members_from_room: true },
        { name: "指挥情报中心", rooms: [] },
        { name: "网安大队", rooms: [] },
      ],
    }),
  );
  return file;
}

/** The bot's notices in the office's room. */
const officeNotices = async (): Promise<RoomEvent[]> =>
  (await roomEvents(admin, rooms.office)).filter((e) => e.sender === botId && e.content.msgtype === "m.notice");

describe("membership from a unit's room (members_from_room), on a real Synapse", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      admin: await synapse.registerUser("kejiban"),
      zhang: await synapse.registerUser("zhang"),
      feng: await synapse.registerUser("feng", { displayName: "冯七" }),
      xiaoma: await synapse.registerUser("xiaoma", { displayName: "马晓" }),
    };
    botId = users.bot!.userId;
    admin = createMatrixClient(synapse.url, users.admin!.accessToken);
    zhang = createMatrixClient(synapse.url, users.zhang!.accessToken);
    feng = createMatrixClient(synapse.url, users.feng!.accessToken);
    xiaoma = createMatrixClient(synapse.url, users.xiaoma!.accessToken);
    rooms = {
      xingzhen: await zhang.createRoom({ name: "刑侦大队", invite: [botId, users.feng!.userId, users.xiaoma!.userId] }),
      office: await admin.createRoom({ name: "科技办", invite: [botId] }),
    };
    await feng.joinRoom(rooms.xingzhen);
    dir = mkdtempSync(join(tmpdir(), "duban-e2e-room-members-"));
    bot = await startBot(synapse, users.bot!, writeRoomMembersDirectory(), [users.zhang!.userId, users.admin!.userId]);
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).length === 2, 30_000, "bot joined both rooms");
  }, 180_000);

  afterAll(async () => {
    await bot?.dispose();
    await synapse?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("counts the room's people at start in one message, a newcomer while joined (who can then report), and nobody after they leave", async () => {
    // At start: who was already in the room, in one message to the office; zhang is a member by the file, the bot never.
    const first = await waitFor(async () => (await officeNotices()).find((e) => e.content.body?.includes("冯七")), 30_000, "the start's list");
    expect(first.content.body).toBe("【督办】冯七已加入刑侦大队工作群，计为刑侦大队成员。");
    expect(bot.app.directory.roleOf(users.feng!.userId)).toBe("member");
    expect(bot.app.directory.roleOf(botId)).toBe("stranger");

    // A newcomer joins: a member of 刑侦大队 at once, and the office is told by the name the room gives.
    await xiaoma.joinRoom(rooms.xingzhen);
    const joined = await waitFor(async () => (await officeNotices()).find((e) => e.content.body?.includes("马晓已加入")), 30_000, "the join notice");
    expect(joined.content.body).toBe("【督办】马晓已加入刑侦大队工作群，计为刑侦大队成员。");
    expect(bot.app.directory.roleOf(users.xiaoma!.userId)).toBe("member");
    expect(bot.app.directory.isLeader(users.xiaoma!.userId)).toBe(false);
    const report = await say(xiaoma, rooms.xingzhen, "任务6进展：新同志报到 60%");
    expect((await replyFrom(xiaoma, rooms.xingzhen, report, botId)).content.body).toContain("已记录任务6");
    expect(await bot.app.db.update.findFirstOrThrow({ where: { eventId: report } })).toMatchObject({ authorUnit: "刑侦大队" });

    // They leave: no longer a member, and the office is told.
    await xiaoma.leaveRoom(rooms.xingzhen);
    const left = await waitFor(async () => (await officeNotices()).find((e) => e.content.body?.includes("马晓已退出")), 30_000, "the leave notice");
    expect(left.content.body).toBe("【督办】马晓已退出刑侦大队工作群，不再计为刑侦大队成员。");
    expect(bot.app.directory.roleOf(users.xiaoma!.userId)).toBe("stranger");

    const audit = await bot.app.db.auditLog.findMany({ where: { action: "directory-room-member" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => JSON.parse(a.detail) as Record<string, string>).map((d) => [d.user, d.change, d.cause])).toEqual([
      [users.feng!.userId, "added", "room-sync"],
      [users.xiaoma!.userId, "added", "room-event"],
      [users.xiaoma!.userId, "removed", "room-event"],
    ]);
  });
});
