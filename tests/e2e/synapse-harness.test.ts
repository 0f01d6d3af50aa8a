import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixClient, startSynapse, uniqueLocalpart, waitFor, type Synapse, type SynapseUser } from "./synapse.js";

type RoomEvent = { event_id: string; type: string; sender: string; content: { body?: string; msgtype?: string } };

/** The newest m.room.message bodies in a room, oldest first, read through /messages. */
async function recentBodies(client: MatrixClient, roomId: string, limit = 30): Promise<string[]> {
  const res = (await client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, {
    dir: "b",
    limit,
  })) as { chunk: RoomEvent[] };
  return res.chunk
    .filter((e) => e.type === "m.room.message")
    .map((e) => e.content.body ?? "")
    .reverse();
}

/** Start syncing and collect every m.room.message the client sees. */
async function startRecording(client: MatrixClient): Promise<Array<{ roomId: string; event: RoomEvent }>> {
  const seen: Array<{ roomId: string; event: RoomEvent }> = [];
  client.on("room.message", (roomId: string, event: RoomEvent) => seen.push({ roomId, event }));
  await client.start();
  return seen;
}

describe("Synapse test harness", () => {
  let synapse: Synapse;
  let bot: SynapseUser;
  let officer: SynapseUser;
  let officerClient: MatrixClient;
  const clients: MatrixClient[] = [];
  let roomId: string;
  const name = (base: string) => (synapse.external ? uniqueLocalpart(base) : base);

  beforeAll(async () => {
    synapse = await startSynapse();
    bot = await synapse.registerUser(name("bot"), { admin: true });
    officer = await synapse.registerUser(name("officer"));
    officerClient = createMatrixClient(synapse.url, officer.accessToken);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.stop();
    await synapse?.stop();
  }, 60_000);

  it("registers users and carries a message from officer to bot", async () => {
    expect(synapse.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$|^https?:\/\//);
    expect(bot.userId).toBe(`@${bot.localpart}:${synapse.serverName}`);
    expect(officer.userId).toBe(`@${officer.localpart}:${synapse.serverName}`);

    const botClient = createMatrixClient(synapse.url, bot.accessToken);
    clients.push(botClient);
    expect(await botClient.getUserId()).toBe(bot.userId);
    const seen = await startRecording(botClient);

    roomId = await officerClient.createRoom({ name: "督办 harness", preset: "private_chat" });
    await officerClient.inviteUser(bot.userId, roomId);
    await botClient.joinRoom(roomId);
    await waitFor(async () => (await officerClient.getJoinedRoomMembers(roomId)).includes(bot.userId), 10_000, "bot joined");

    const eventId = await officerClient.sendText(roomId, "进展：已完成第一阶段");
    const viaSync = await waitFor(() => seen.find((s) => s.event.event_id === eventId), 10_000, "bot sees the officer's message through /sync");
    expect(viaSync.roomId).toBe(roomId);
    expect(viaSync.event.sender).toBe(officer.userId);
    expect(viaSync.event.content.body).toBe("进展：已完成第一阶段");
    expect(await recentBodies(botClient, roomId)).toContain("进展：已完成第一阶段");

    botClient.stop();
  });

  it("has generous rate limits: 20 quick messages get no 429", async () => {
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => officerClient.sendText(roomId, `burst ${i}`)));
    expect(new Set(sent).size).toBe(20);
  });

  it("restarts on the same port with the same data", async () => {
    const urlBefore = synapse.url;
    await synapse.restart();
    expect(synapse.url).toBe(urlBefore);

    // Same database: the old tokens, room and history are still there.
    // A fresh client: restarting a stopped matrix-bot-sdk client can leave two sync loops running.
    const botClient = createMatrixClient(synapse.url, bot.accessToken);
    clients.push(botClient);
    expect(await recentBodies(botClient, roomId)).toContain("进展：已完成第一阶段");
    const seen = await startRecording(botClient);

    const eventId = await officerClient.sendText(roomId, "重启后仍可发送");
    await waitFor(() => seen.find((s) => s.event.event_id === eventId), 10_000, "bot sees the post-restart message");
    expect(await recentBodies(botClient, roomId)).toContain("重启后仍可发送");
    botClient.stop();
  });
});
