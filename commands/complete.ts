import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { leadRooms, notice } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";
import { checkCompletion, readConfirmation } from "../src/core/completion-check.js";
import { WHOLE_NOT_ASKING } from "../src/core/command-cues.js";

/** The office's consent, not denied (`暂不同意`) nor told as done (`已同意`): `同意办结`, `此项予以办结`, `准予办结`, `可以办结`. */
const CONSENT =
  "(?:现|特此|故|经研究|经审核|经核实)?\\s*(?:#|该项|此项|这项|本项|这个)?\\s*(?:任务)?\\s*(?<!不|未|没|已|已经|暂不|无法|不能|不予|才能|再)(?:同意|准予|予以|批准|可以)\\s*办结";
/**
 * Completing said in words by the office, the whole message: `同意办结` (in reply to a request or a confirmation),
 * `经核实，项目管理办法已正式印发，此项予以办结`, `经科技办审核，任务一各项工作已全部落实到位，佐证材料齐全，同意办结。`; the
 * message is the reason. Only the office's words (`wholeBy`): from anyone else `同意办结` completes nothing.
 */
/**
 * Consent held back by a condition or a denial anywhere in the message: `如果材料齐全，同意办结`, `等验收报告补上后，同意办结`,
 * `暂不 同意办结` (voice input's blank), `材料不全 先别 同意办结`. Nothing is completed.
 */
const WITHHELD =
  "(?![\\s\\S]*?(?:如果|若是|假如|倘若|要是|之后|以后|后\\s*[,，]?\\s*(?:再|即可|就)?\\s*(?:同意|准予|予以|批准|可以)|暂不|暂缓|先别|先不|不要|别急|不予|不能|无法|还缺|缺少|还差|还没|尚未|不全|不齐))";
const COMPLETE_IN_WORDS = [
  new RegExp(`^${WITHHELD}(?=[\\s\\S]*?办结)${WHOLE_NOT_ASKING}(?:[^\\n]{2,160}?[,，。;；\\s]+)?${CONSENT}吧?[\\s。.!！]*$`, "u"),
  new RegExp(`^${WITHHELD}(?=[\\s\\S]*?办结)${WHOLE_NOT_ASKING}${CONSENT}(?:[,，。;；\\s]+[^\\n]{0,60}?)?[\\s。.!！]*$`, "u"),
];

/**
 * `办结 6 市局已验收`: an office admin completes a task directly, with a reason; done tasks get no more
 * reminders. A pending completion request is approved with it. Lead units hear of it in their rooms.
 * A task with unmet targets is completed only with 确认 before the reason (`办结 6 确认 市局同意按现有成果验收`):
 * the first answer lists the unmet targets and the latest percent, and completes nothing.
 */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6 市局已验收", "任务6办结 材料齐全", "complete task 6 accepted by the city bureau"],
  help: { topic: "completion" },
  cues: {
    kind: "task-command",
    prefixes: ["办结任务", "办结", "complete task", "complete", "mark done"],
    suffixes: ["办结"],
    around: [
      ["mark", "as complete"],
      ["mark", "complete"],
      ["mark", "as done"],
      ["mark", "done"],
      ["把", "标记为已完成"],
      ["把", "标记为完成"],
      ["把", "标为已完成"],
      ["将", "标记为已完成"],
    ],
    whole: COMPLETE_IN_WORDS,
    wholeBy: "admin",
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    await requireAdminFor(ctx, "complete", tasks[0]!);
    // Completing a task with unmet targets takes 确认 (confirm) before the reason: `办结 6 确认 …`.
    const { confirmed, reason: why } = readConfirmation(reason);
    if (!why) throw new UserError(t.review.needReason(numbers[0]!, `办结 ${numbers[0]} 市局已验收`));
    // Every task is checked before any is completed: one refusal changes nothing.
    const open = tasks.filter((task) => !task.completedAt);
    const acknowledged = new Map(open.map((task) => [task.id, checkCompletion(ctx, task, confirmed, t.completionCheck.completeExample(task.number))]));
    const lines = [];
    const notices = [];
    for (const task of tasks) {
      if (task.completedAt) {
        lines.push(t.completion.already(task.number));
        continue;
      }
      const ack = acknowledged.get(task.id) ?? null;
      await ctx.repos.plans.complete(task.id, ack ? `${why}；${ack}` : why, actorOf(ctx), ctx.clock.now());
      lines.push(t.review.completedDirect(task.number, task.title, why), ...(ack ? [ack] : []));
      notices.push(...notice(ctx, leadRooms(ctx, task), [t.review.unitCompletedDirect(task.number, task.title, why), ...(ack ? [ack] : [])]));
    }
    return { replies: [reply(lines)], notices };
  },
});
