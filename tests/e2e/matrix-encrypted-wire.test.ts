/**
 * The wiring of end-to-end encryption into the Matrix transport, on a real Synapse with the nio client: what the
 * transport itself guarantees (decrypt before reading, encrypted ✅ and replies, late keys handled once, the
 * grace-period notice once, a restart keeping the device). The cases are in matrix-encrypted.test.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixTransportFor } from "../../src/app.js";
import { reply } from "../../src/core/reply.js";
import { quietLogger } from "../helpers/temp-app.js";
import { startBot, waitFor, writeDirectory, type BotUnderTest } from "./matrix-fixture.js";
import { NioClient, serverEvents } from "./nio.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let officer: NioClient;
let bot: BotUnderTest;
let botId: string;
let room: string;

describe("encrypted rooms, wired into the Matrix transport", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban"),
      officer: await synapse.registerUser("zhang"),
      leader: await synapse.registerUser("juzhang"),
      admin: await synapse.registerUser("kejiban"),
    };
    botId = users.bot!.userId;
    officer = NioClient.start(synapse.url);
    await officer.login(users.officer!.userId, users.officer!.password);
    room = await officer.createRoom({ name: "刑侦大队", encrypted: true, invite: [botId] });
    const dir = mkdtempSync(join(tmpdir(), "duban-e2e-dir-"));
    const directory = writeDirectory(dir, { xingzhen: room, office: "!none:localhost" }, users);
    bot = await startBot(synapse, users.bot!, directory, [users.officer!.userId]);
    await officer.waitJoined(room, botId);
  }, 180_000);

  afterAll(async () => {
    await officer?.close();
    await bot?.dispose();
    await synapse?.stop();
  }, 60_000);

  it("reads an officer's encrypted update, reacts ✅ and replies, both encrypted", async () => {
    const eventId = await officer.send(room, "任务6进展:完成初审 60%");
    const reply = await officer.waitMessage(room, { from: botId, replyTo: eventId });
    expect(reply.decrypted).toBe(true);
    expect(reply.msgtype).toBe("m.notice");
    const check = await officer.waitReaction(room, eventId, "✅", { from: botId });
    expect(check.decrypted).toBe(true);
    const updates = await bot.app.db.update.findMany({ where: { eventId } });
    expect(updates).toHaveLength(1);
    // The bot's device is cross-signed by its own user at start (cross-signing.ts), so Element shows no red shield.
    const keys = (await bot.transport.client.doRequest("POST", "/_matrix/client/v3/keys/query", null, { device_keys: { [botId]: [] } })) as {
      master_keys?: Record<string, unknown>;
      device_keys: Record<string, Record<string, { signatures: Record<string, Record<string, string>> }>>;
    };
    expect(keys.master_keys?.[botId]).toBeDefined();
    const device = JSON.parse((await bot.app.repos.settings.get("matrix.crypto.device"))!) as { deviceId: string };
    expect(Object.keys(keys.device_keys[botId]![device.deviceId]!.signatures[botId]!)).toHaveLength(2); // the device's own and the self-signing key's
    const types = new Set(
      serverEvents(synapse.dir!, [room])
        .filter((e) => !("state_key" in JSON.parse(e.json)))
        .map((e) => e.type),
    );
    expect([...types]).toEqual(["m.room.encrypted"]);
  }, 60_000);

  it("sends a chart into the encrypted room as an encrypted file, which decrypts to the PNG", async () => {
    const eventId = await officer.send(room, "进度图");
    const image = await officer.waitMessage(room, { from: botId, replyTo: eventId, predicate: (e) => e.msgtype === "m.image" });
    expect(image.decrypted).toBe(true);
    const file = image.content.file as { url: string; key: unknown; iv: string; hashes: unknown; v: string };
    expect(image.content.url).toBeUndefined(); // no clear copy: only the encrypted one, its key in the encrypted event
    expect(file.url).toMatch(/^mxc:\/\//);
    const stored = new Uint8Array((await bot.transport.client.downloadContent(file.url)).data);
    const PNG = [0x89, 0x50, 0x4e, 0x47];
    expect([...stored.slice(0, 4)]).not.toEqual(PNG);
    const { url: _url, ...info } = file as Record<string, unknown>;
    const clear = sdk.Attachment.decrypt(new sdk.EncryptedAttachment(stored, JSON.stringify(info)));
    expect([...clear.slice(0, 4)]).toEqual(PNG);
  }, 60_000);

  it("after a restart, the same device reads a new encrypted message", async () => {
    await bot.restart();
    const eventId = await officer.send(room, "任务7进展:完成 30%");
    const reply = await officer.waitMessage(room, { from: botId, replyTo: eventId });
    expect(reply.decrypted).toBe(true);
  }, 60_000);

  it("a message whose room key comes late is handled once", async () => {
    await officer.holdKeys(room, botId);
    const eventId = await officer.send(room, "任务8进展:完成 40%");
    await new Promise((r) => setTimeout(r, 2500));
    expect(await bot.app.db.update.findMany({ where: { eventId } })).toHaveLength(0);
    await officer.releaseKeys(room);
    const reply = await officer.waitMessage(room, { from: botId, replyTo: eventId });
    expect(reply.decrypted).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await bot.app.db.update.findMany({ where: { eventId } })).toHaveLength(1);
    expect((await officer.messages(room)).filter((e) => e.sender === botId && e.relates_to?.["m.in_reply_to"]?.event_id === eventId)).toHaveLength(1);
  }, 60_000);

  it("an event waiting for its room key survives a restart, and is handled once when the key comes", async () => {
    await officer.holdKeys(room, botId);
    const eventId = await officer.send(room, "任务12进展:完成 70%");
    await waitFor(async () => (await bot.app.repos.settings.get("matrix.crypto.pending"))?.includes(eventId), 20_000, "the event kept as pending");
    await bot.restart(); // the sync position has moved past the event: only the pending list brings it back
    await officer.releaseKeys(room);
    const reply = await officer.waitMessage(room, { from: botId, replyTo: eventId });
    expect(reply.decrypted).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await bot.app.db.update.findMany({ where: { eventId } })).toHaveLength(1);
    expect((await officer.messages(room)).filter((e) => e.sender === botId && e.relates_to?.["m.in_reply_to"]?.event_id === eventId)).toHaveLength(1);
    expect(await bot.app.repos.settings.get("matrix.crypto.pending")).toBe("[]");
  }, 60_000);

  it("a message whose room key never comes gets one notice after the grace period, and nothing is recorded", async () => {
    await bot.transport.stop();
    bot.transport = await matrixTransportFor(bot.app, { syncTimeoutMs: 1000, logger: quietLogger, undecryptableGraceMs: 2000, now: () => Date.now() });
    await bot.transport.start();
    await officer.holdKeys(room, botId);
    const eventId = await officer.send(room, "任务9进展:完成 50%");
    await officer.dropKeys(room);
    const notice = await officer.waitMessage(room, { from: botId, replyTo: eventId });
    expect(notice).toMatchObject({ decrypted: true, msgtype: "m.notice", body: "无法解密这条消息，请重新发送" });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await officer.messages(room)).filter((e) => e.sender === botId && e.relates_to?.["m.in_reply_to"]?.event_id === eventId)).toHaveLength(1);
    expect(await bot.app.db.update.findMany({ where: { eventId } })).toHaveLength(0);
    expect(await bot.app.repos.settings.get("matrix.crypto.pending")).toBe("[]");
  }, 60_000);

  it("a command that connects without syncing (duban reminders) refuses to send into an encrypted room, and never opens the store", async () => {
    const { MatrixSendRefused } = await import("../../src/transports/matrix.js");
    const cli = await matrixTransportFor(bot.app, { logger: quietLogger });
    await cli.connect();
    const sent = cli.reminderSender().send([room], reply(["提醒：任务6"]), "cli-test");
    await expect(sent).rejects.toThrow(MatrixSendRefused);
    await expect(sent).rejects.toThrow(/已开启端到端加密，只有正在运行的机器人才能为它加密/);
    // The running bot still answers: its store was not touched.
    const eventId = await officer.send(room, "任务11进展:完成 10%");
    expect(await officer.waitMessage(room, { from: botId, replyTo: eventId })).toMatchObject({ decrypted: true });
  }, 60_000);

  it("refuses to start as another device of the bot on the same store, and a password login keeps the recorded device", async () => {
    const { MatrixStartError } = await import("../../src/transports/matrix.js");
    await bot.transport.stop();
    const login = (await (
      await fetch(`${synapse.url}/_matrix/client/v3/login`, {
        method: "POST",
        body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: "duban" }, password: users.bot!.password }),
      })
    ).json()) as { access_token: string; device_id: string };
    const other = await matrixTransportFor(bot.app, { accessToken: login.access_token, syncTimeoutMs: 1000, logger: quietLogger });
    const refused = await other.start().then(
      () => null,
      (e: unknown) => e,
    );
    await other.stop();
    expect(refused).toBeInstanceOf(MatrixStartError);
    expect(String((refused as Error).message)).toContain(`当前登录的是 ${botId} / ${login.device_id}`);
    expect(String((refused as Error).message)).toMatch(/restore the store that matches this device/);

    // MATRIX_USER and MATRIX_PASSWORD: the bot logs in as the device its store belongs to, not as a new one.
    const recorded = JSON.parse((await bot.app.repos.settings.get("matrix.crypto.device"))!) as { deviceId: string };
    bot.transport = await matrixTransportFor(bot.app, {
      accessToken: undefined,
      user: "duban",
      password: users.bot!.password,
      syncTimeoutMs: 1000,
      logger: quietLogger,
    });
    await bot.transport.start();
    const who = (await bot.transport.client.doRequest("GET", "/_matrix/client/v3/account/whoami")) as { device_id: string };
    expect(who.device_id).toBe(recorded.deviceId);
    const eventId = await officer.send(room, "任务10进展:完成 20%");
    expect(await officer.waitMessage(room, { from: botId, replyTo: eventId })).toMatchObject({ decrypted: true });
  }, 60_000);
});
