import { describe, expect, it } from "vitest";
import { DEMO_DIRECTORY } from "../src/config.js";
import { loadDirectory } from "../src/directory/directory.js";
import { learnSenderName, pill, stripReplyFallback } from "../src/transports/matrix.js";

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
