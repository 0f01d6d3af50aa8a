import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../src/core/reply.js";

/** The escaping as it was before the fast path for text with nothing to escape. */
const reference = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

describe("escapeHtml", () => {
  it("escapes exactly as the five replacements do, with or without special characters", () => {
    const text = fc.array(fc.oneof(fc.constantFrom("&", "<", ">", '"', "'", "任务6", " ", "a", "&amp;"), fc.string())).map((parts) => parts.join(""));
    fc.assert(fc.property(text, (s) => escapeHtml(s) === reference(s)));
    expect(escapeHtml("🟡 任务6 <b>\"x\" & 'y'</b>")).toBe("🟡 任务6 &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    expect(escapeHtml("🟡 任务6 进度 60%")).toBe("🟡 任务6 进度 60%");
  });
});
