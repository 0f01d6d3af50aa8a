import { describe, expect, it } from "vitest";
import { followUpTask } from "../src/core/interpreter/reply-context.js";
import { looseTask } from "../src/core/interpreter/loose-task.js";

/* One definition of a task named by its number alone (review of issue 25: FOLLOW_UP and LOOSE duplicated each other). */

describe("a task named by its number alone", () => {
  it.each([
    ["6号那个", 6],
    ["第六项", 6],
    ["那13呢", 13],
    ["查一下第七项", 7],
    ["12", 12],
  ])("reads %s as task %i where the bot is addressed", (text, n) => {
    expect(looseTask(text)).toBe(n);
  });

  it.each([
    ["那13呢", 13],
    ["还有15号呢？", 15],
    ["那十三呢", 13],
    ["第七项怎么样了", 7],
    ["任务9咋样了？", 9],
  ])("reads %s as a follow-up question about task %i in a reply", (text, n) => {
    expect(followUpTask(text)).toBe(n);
  });

  it.each(["13号下午开会呢", "6号那个", "12", "那13个点位呢还没装"])("reads no follow-up question in %s", (text) => {
    expect(followUpTask(text)).toBeNull();
  });

  it.each(["13号下午开会", "6个所都装了", "那13个点位呢还没装"])("reads no task in %s", (text) => {
    expect(looseTask(text)).toBeNull();
  });
});
