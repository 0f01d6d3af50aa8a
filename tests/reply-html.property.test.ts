import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, reply } from "../src/core/reply.js";

// reply() escapes the joined text once instead of each line (a reminder to a unit has hundreds of lines). For lines
// without a line break of their own, its HTML is, byte for byte, what escaping line by line gave.
const lineByLine = (lines: string[], heading: boolean) =>
  lines.map((line, i) => (i === 0 && heading ? `<b>${escapeHtml(line)}</b>` : escapeHtml(line))).join("<br>\n");

describe("reply", () => {
  it("gives the HTML of escaping line by line, with or without a heading", () => {
    const line = fc.string({ unit: fc.constantFrom("a", "任", "务", "<", ">", "&", '"', "'", " ", "b", "🟡") });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, heading) => {
        const r = reply(lines, { heading });
        expect(r.html).toBe(lineByLine(lines, heading));
        expect(r.text).toBe(lines.join("\n"));
      }),
      { numRuns: 2000 },
    );
  });

  it("turns a line break inside a line into a break in the HTML, and never lets markup through", () => {
    const r = reply(["【督办提醒】<b>", "任务6\n第二行 & <i>"], { heading: true });
    expect(r.html).toBe("<b>【督办提醒】&lt;b&gt;</b><br>\n任务6<br>\n第二行 &amp; &lt;i&gt;");
  });
});
