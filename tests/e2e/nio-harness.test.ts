/**
 * The encrypted test client (tests/e2e/nio.ts) against a real Synapse, without the bot: two nio users
 * exchange encrypted messages, a room key held back arrives late, and the server stores only ciphertext.
 * If this fails, tests/e2e/matrix-encrypted.test.ts cannot be believed either.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NioClient, serverEvents, serverFilesContaining } from "./nio.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

let synapse: Synapse;
let alice: NioClient;
let bob: NioClient;
let users: Record<"alice" | "bob", SynapseUser>;
let roomId: string;
const nonce = randomBytes(4).toString("hex");
const texts = [`任务6 进展 秘密 ${nonce} 一`, `收到 ${nonce} 二`, `迟到的钥匙 ${nonce} 三`];

describe("the nio test client on a real Synapse", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = { alice: await synapse.registerUser("alice"), bob: await synapse.registerUser("bob") };
    alice = NioClient.start(synapse.url);
    bob = NioClient.start(synapse.url);
    await Promise.all([alice.login(users.alice.userId, users.alice.password), bob.login(users.bob.userId, users.bob.password)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await synapse?.stop();
  }, 60_000);

  it("two users exchange encrypted messages and both decrypt them", async () => {
    roomId = await alice.createRoom({ name: "nio self-test", encrypted: true, invite: [users.bob.userId] });
    await bob.join(roomId);
    await alice.waitJoined(roomId, users.bob.userId);

    const first = await alice.send(roomId, texts[0]!);
    const got = await bob.waitMessage(roomId, { from: users.alice.userId, contains: texts[0] });
    expect(got).toMatchObject({ event_id: first, decrypted: true, body: texts[0], msgtype: "m.text" });

    const answer = await bob.send(roomId, texts[1]!, first);
    const back = await alice.waitMessage(roomId, { from: users.bob.userId, replyTo: first });
    expect(back).toMatchObject({ event_id: answer, decrypted: true, body: texts[1] });
  }, 60_000);

  it("a room key held back arrives late, and the message then decrypts", async () => {
    await alice.holdKeys(roomId, users.bob.userId);
    const late = await alice.send(roomId, texts[2]!);
    // Bob sees the event but cannot read it yet.
    const seen = await waitForEvent(bob, roomId, late);
    expect(seen).toMatchObject({ type: "m.room.encrypted", decrypted: false, body: null });
    // A few more syncs: still no key.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await bob.messages(roomId)).find((e) => e.event_id === late)).toMatchObject({ decrypted: false });

    expect(await alice.releaseKeys(roomId)).toBeGreaterThan(0);
    const read = await bob.waitMessage(roomId, { contains: texts[2] });
    expect(read).toMatchObject({ event_id: late, decrypted: true });
  }, 60_000);

  it("a failed command rejects with nio's reason", async () => {
    await expect(alice.send("!nowhere:localhost", "x")).rejects.toThrow(/not in room !nowhere:localhost/);
    await expect(alice.releaseKeys(roomId)).rejects.toThrow(/no room keys held back/);
    await expect(bob.waitMessage(roomId, { contains: "never sent", timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
  });

  it("the homeserver's database holds only m.room.encrypted for the messages, never their text", () => {
    if (!synapse.dir) throw new Error("This check reads Synapse's own database: it needs a Synapse started by the harness (unset DUBAN_TEST_HOMESERVER_URL).");
    const events = serverEvents(synapse.dir, [roomId]);
    const messageTypes = new Set(events.filter((e) => !("state_key" in JSON.parse(e.json))).map((e) => e.type));
    expect([...messageTypes]).toEqual(["m.room.encrypted"]);
    for (const text of texts) expect(serverFilesContaining(synapse.dir, text), text).toEqual([]);
    // The check itself can see plain text: the room's name is stored in the clear.
    expect(serverFilesContaining(synapse.dir, "nio self-test")).not.toEqual([]);
  });
});

async function waitForEvent(client: NioClient, roomId: string, eventId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const e = (await client.messages(roomId)).find((x) => x.event_id === eventId);
    if (e) return e;
    if (Date.now() > deadline) throw new Error(`${eventId} never reached ${client.userId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
