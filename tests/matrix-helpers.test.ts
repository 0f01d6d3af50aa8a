import { describe, expect, it } from "vitest";
import { pill, stripReplyFallback } from "../src/transports/matrix.js";

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
