import { describe, expect, it } from "vitest";
import { runPipeline, type Stage } from "../src/core/pipeline/pipeline.js";
import { eventStages, messageStages } from "../src/core/pipeline/stages.js";
import type { HandlerResult } from "../src/core/reply.js";

const answer = (text: string): HandlerResult => ({ replies: [{ text, html: text }] });
type Trace = { seen: string[] };

/** A stage that notes its name, then hands on. */
const pass =
  (name: string): Stage<Trace> =>
  async (c, next) => {
    c.seen.push(name);
    return next();
  };
/** A stage that notes its name, then answers. */
const stop =
  (name: string): Stage<Trace> =>
  async (c) => {
    c.seen.push(name);
    return answer(name);
  };

describe("the pipeline runner", () => {
  it("runs the stages in the order listed, each seeing what the earlier ones did", async () => {
    const trace: Trace = { seen: [] };
    const result = await runPipeline([pass("a"), pass("b"), stop("c")], trace);
    expect(trace.seen).toEqual(["a", "b", "c"]);
    expect(result.replies[0]?.text).toBe("c");
  });

  it("stops at the first stage that answers: later stages never run", async () => {
    const trace: Trace = { seen: [] };
    const result = await runPipeline([pass("a"), stop("gate"), stop("command")], trace);
    expect(trace.seen).toEqual(["a", "gate"]);
    expect(result.replies[0]?.text).toBe("gate");
  });

  it("lets a stage act on the answer of the stages after it", async () => {
    const wrap: Stage<Trace> = async (_c, next) => {
      const inner = await next();
      return answer(`wrapped ${inner.replies[0]?.text}`);
    };
    expect((await runPipeline([wrap, stop("x")], { seen: [] })).replies[0]?.text).toBe("wrapped x");
  });

  it("throws when a stage calls next() twice, naming the stage, so the rest never runs twice", async () => {
    const trace: Trace = { seen: [] };
    const twice: Stage<Trace> = async function twice(_c, next) {
      await next();
      return next();
    };
    await expect(runPipeline([twice, stop("last")], trace)).rejects.toThrow(/twice/);
    expect(trace.seen).toEqual(["last"]);
  });

  it("throws when every stage hands on and none answers", async () => {
    await expect(runPipeline([pass("a"), pass("b")], { seen: [] })).rejects.toThrow(/none answered/);
    await expect(runPipeline<Trace>([], { seen: [] })).rejects.toThrow(/none answered/);
  });

  it("lists the bot's stages in the order the issue describes", () => {
    expect(eventStages.map((s) => s.name)).toEqual(["dedupe", "planCode"]);
    expect(messageStages.map((s) => s.name)).toEqual(["pendingQuestion", "understood", "lengthLimit", "rateLimit", "strangerGate", "archivedPlan", "command"]);
  });
});
