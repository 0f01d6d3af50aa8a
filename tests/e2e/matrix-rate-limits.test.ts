import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixClient, roomEvents, say, startBot, waitFor, writeDirectory, type BotUnderTest } from "./matrix-fixture.js";
import { startSynapse, type Synapse } from "./synapse.js";
import { quietLogger } from "../helpers/temp-app.js";

let synapse: Synapse;
let bot: BotUnderTest;

describe("duban under Synapse's default rate limits", () => {
  beforeAll(async () => {
    synapse = await startSynapse({ defaultRateLimits: true });
  }, 120_000);
  afterAll(async () => {
    await bot?.dispose();
    await synapse?.stop();
  });

  it("answers every one of a burst of 30 commands exactly once, waiting out M_LIMIT_EXCEEDED", async () => {
    const users = {
      bot: await synapse.registerUser("duban"),
      officer: await synapse.registerUser("zhang", { admin: true }),
      leader: await synapse.registerUser("juzhang"),
      admin: await synapse.registerUser("kejiban"),
    };
    const officer = createMatrixClient(synapse.url, users.officer.accessToken);
    // Only the bot stays rate-limited: the officer's own sends are exempted so the burst really is a burst.
    await officer.doRequest("POST", `/_synapse/admin/v1/users/${encodeURIComponent(users.officer.userId)}/override_ratelimit`, null, {
      messages_per_second: 0,
      burst_count: 0,
    });
    const room = await officer.createRoom({ name: "刑侦大队", invite: [users.bot.userId] });
    const office = await officer.createRoom({ name: "科技办" });
    const dir = mkdtempSync(join(tmpdir(), "duban-e2e-rl-"));
    const directory = writeDirectory(dir, { xingzhen: room, office }, users);
    bot = await startBot(synapse, users.bot, directory, [users.officer.userId]);
    await waitFor(async () => (await bot.transport.client.getJoinedRooms()).includes(room), 30_000, "bot joined");

    let progress = 0;
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) sent.push(await say(officer, room, `任务${(i % 25) + 1}`));

    const replies = await waitFor(
      async () => {
        const events = await roomEvents(officer, room, 500);
        const r = events.filter((e) => e.sender === users.bot.userId && e.content.msgtype === "m.notice");
        progress = r.length;
        return r.length >= 30 ? r : null;
      },
      240_000,
      "30 replies",
    ).catch((e: Error) => Promise.reject(new Error(`${e.message}; got ${progress}; bot errors: ${quietLogger.errors.join("\n")}`)));
    const answered = replies.map((e) => e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id);
    expect(new Set(answered).size).toBe(30);
    expect([...answered].sort()).toEqual([...sent].sort());
    // Nothing more arrives afterwards: no duplicates.
    await new Promise((r) => setTimeout(r, 3000));
    const after = (await roomEvents(officer, room, 500)).filter((e) => e.sender === users.bot.userId && e.content.msgtype === "m.notice");
    expect(after).toHaveLength(30);
  }, 300_000);
});
