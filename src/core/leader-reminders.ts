import type { CommandContext } from "./command.js";
import type { TaskRecord } from "./model.js";
import { personLabel } from "./person.js";
import { actorOf } from "./permissions.js";
import { type HandlerResult, reply } from "./reply.js";
import { notice } from "./review.js";

/**
 * A leader's word on reminders (`最近别催了，…7月15号以后再说`, in reply to a reminder `这个先暂停提醒，…`): only the office
 * pauses or resumes them, so the request is passed on to the office's rooms, audited as refused, and nothing changes.
 * Null for anyone who is not a leader, or is an admin: the caller's permission check goes on as before.
 */
export async function passOnLeaderRequest(ctx: CommandContext, kind: "pause" | "resume", tasks: readonly TaskRecord[]): Promise<HandlerResult | null> {
  const sender = ctx.inbound.sender;
  if (ctx.directory.isAdmin(sender) || !ctx.directory.isLeader(sender)) return null;
  const t = ctx.t.leaderReminders;
  const office = ctx.directory.office;
  const answer = t.passedOn(office);
  await ctx.repos.audit.append({
    at: ctx.clock.now(),
    actor: actorOf(ctx),
    action: kind === "pause" ? "pause-reminders" : "resume-reminders",
    outcome: "refused",
    task: tasks[0] ? { id: tasks[0].id, number: tasks[0].number } : null,
    detail: { role: ctx.directory.roleOf(sender), text: ctx.inbound.text.slice(0, 500), reply: answer, passedOnTo: office },
  });
  const who = personLabel(ctx.t, ctx.directory, sender, ctx.directory.homeUnit(sender));
  const lines = t
    .officeNotice(
      kind,
      who,
      tasks.map((x) => x.number),
      ctx.inbound.text,
      ctx.inbound.link ?? "",
    )
    .split("\n");
  return { replies: [reply([answer])], notices: notice(ctx, ctx.directory.officeRooms(), lines) };
}
