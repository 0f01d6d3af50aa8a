import { describe, expect, it } from "vitest";
import { DEMO_DIRECTORY } from "../src/config.js";
import { loadDirectory } from "../src/directory/directory.js";
import { learnSenderName, pill, stripReplyFallback } from "../src/transports/matrix.js";
import { joinedList, memberChange } from "../src/transports/matrix-membership.js";

describe("Matrix message helpers", () => {
  it("drops the quoted fallback of a reply, keeping the new text", () => {
    expect(stripReplyFallback("> <@zhang:bureau.local> 任务6进展:初审\n> 第二行\n\n任务6")).toBe("任务6");
    expect(stripReplyFallback("任务6")).toBe("任务6");
    expect(stripReplyFallback("> 引用但没有空行\n任务6")).toBe("任务6");
  });

  it("renders a pill as an escaped matrix.to link", () => {
    expect(pill("@zhang:bureau.local")).toBe('<a href="https://matrix.to/#/%40zhang%3Abureau.local">@zhang:bureau.local</a>');
    expect(pill('@x"<y>:s')).toContain("@x&quot;&lt;y&gt;:s</a>");
  });
});

describe("senders' names from their Matrix profiles", () => {
  it("asks the homeserver once per person, and the directory then shows the name", async () => {
    const d = loadDirectory(DEMO_DIRECTORY);
    const asked: string[] = [];
    const profile = async (u: string) => {
      asked.push(u);
      return { displayname: "  孙磊磊 " };
    };
    expect(d.displayName("@nobody:bureau.local")).toBe("@nobody:bureau.local");
    await learnSenderName(d.names, profile, "@nobody:bureau.local");
    await learnSenderName(d.names, profile, "@nobody:bureau.local");
    expect(asked).toEqual(["@nobody:bureau.local"]);
    expect(d.displayName("@nobody:bureau.local")).toBe("孙磊磊");
  });

  it("prefers the directory file's name, and keeps the id when the profile cannot be read", async () => {
    const d = loadDirectory(DEMO_DIRECTORY);
    await learnSenderName(d.names, async () => ({ displayname: "zw" }), "@zhang:bureau.local");
    expect(d.displayName("@zhang:bureau.local")).toBe("张伟");
    await learnSenderName(d.names, async () => Promise.reject(new Error("M_FORBIDDEN")), "@ghost:bureau.local");
    expect(d.displayName("@ghost:bureau.local")).toBe("@ghost:bureau.local");
    expect(d.names.knows("@ghost:bureau.local")).toBe(true);
  });

  it("keeps learnt names when the directory is reloaded", async () => {
    const d = loadDirectory(DEMO_DIRECTORY);
    await learnSenderName(d.names, async () => ({ displayname: "新同事" }), "@new:bureau.local");
    d.replace(structuredClone(d.data));
    expect(d.displayName("@new:bureau.local")).toBe("新同事");
  });
});

describe("room membership as the Matrix transport reports it", () => {
  const BOT = "@duban:bureau.local";
  const member = (user: string, membership: string, extra: Record<string, unknown> = {}, sender = user) => ({
    event_id: `$${user}-${membership}`,
    type: "m.room.member",
    sender,
    state_key: user,
    origin_server_ts: 1,
    content: { membership, ...extra },
  });

  it("reads joins, leaves, kicks and bans, and ignores invites and the bot itself", () => {
    expect(memberChange(member("@new:bureau.local", "join", { displayname: "马晓" }), BOT)).toEqual({ user: "@new:bureau.local", joined: true, name: "马晓" });
    expect(memberChange(member("@new:bureau.local", "leave"), BOT)).toEqual({ user: "@new:bureau.local", joined: false, name: undefined });
    // Kicked (a leave sent by someone else) and banned both end the membership.
    expect(memberChange(member("@new:bureau.local", "leave", {}, "@kejiban:bureau.local"), BOT)?.joined).toBe(false);
    expect(memberChange(member("@new:bureau.local", "ban", {}, "@kejiban:bureau.local"), BOT)?.joined).toBe(false);
    expect(memberChange(member("@new:bureau.local", "invite", {}, "@kejiban:bureau.local"), BOT)).toBeNull();
    expect(memberChange(member(BOT, "join"), BOT)).toBeNull();
    expect(memberChange({ ...member("@new:bureau.local", "join"), type: "m.room.message" }, BOT)).toBeNull();
  });

  it("lists a room's joined members without the bot, with their display names", () => {
    const listed = joinedList("!r:bureau.local", { [BOT]: { display_name: "督办" }, "@b:bureau.local": {}, "@a:bureau.local": { display_name: "甲" } }, BOT);
    expect(listed.membership).toEqual({ room: "!r:bureau.local", joined: ["@a:bureau.local", "@b:bureau.local"], left: [], complete: true });
    expect(listed.names).toEqual([
      ["@a:bureau.local", "甲"],
      ["@b:bureau.local", undefined],
    ]);
  });

  it("takes names from the file first, then from what the room says", () => {
    const d = loadDirectory(DEMO_DIRECTORY);
    // The transport keeps the member event's display name in the name book; the file's name for 张伟 still wins.
    d.names.remember("@zhang:bureau.local", memberChange(member("@zhang:bureau.local", "join", { displayname: "zw" }), BOT)!.name);
    d.names.remember("@new:bureau.local", memberChange(member("@new:bureau.local", "join", { displayname: "马晓" }), BOT)!.name);
    expect(d.displayName("@zhang:bureau.local")).toBe("张伟");
    expect(d.displayName("@new:bureau.local")).toBe("马晓");
  });
});
