import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { planPrefix } from "../src/core/plan-scope.js";
import { personLabel } from "../src/core/person.js";
import { reply } from "../src/core/reply.js";
import { notice, requireRequester, submitRequest } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";
import { WHOLE_NOT_ASKING } from "../src/core/command-cues.js";

/**
 * What may follow an application in words: the office asked to review it (`，请科技办审核`), or where the evidence is
 * (`，佐证材料已发科技办邮箱`, `🙏 文件都在共享盘里了`).
 */
const AFTER_APPLYING =
  "(?:[,，。;；\\s\\p{Extended_Pictographic}\\u{FE0F}]+(?:(?:请|望|恳请|烦请|麻烦)[^\\n,，。;；]{0,12}?(?:审核|审批|审定|批准|核准|把关|查收|审阅)(?:为盼|为谢)?" +
  "|(?:相关|有关)?(?:佐证|证明|验收|印发)?(?:材料|附件|文件|资料|台账|报告)[^\\n,，。;；]{0,30}))*[\\s。.!！\\p{Extended_Pictographic}\\u{FE0F}]*$";

/**
 * Applying to close in words, the whole message: the work done, then the request (`任务一各项工作已全部落实到位，现申请办结。`,
 * `任务二十一已经全部弄完了申请办结`; in reply to a reminder `这两项都是去年底就办完的，申请办结`). What comes before is the
 * note and must say the work is done; `下周再申请办结`, `能不能申请办结` or `先不申请办结` are not requests. Nor is a note with a
 * negation anywhere (`还没完成，无法申请办结`, `已完成，不用申请办结`), what others did or said (`他们已申请办结了`), a question
 * (`为什么申请办结`) or a request already made (`已经申请办结了`): chatter about closing never files one.
 */
const APPLY_IN_WORDS = [
  // A formal application headed by its subject: `刑侦大队关于第四项任务的办结申请：…已达成，特申请办结。`, the work done after it;
  // a request (请示) or a report (报告) too: `城关派出所关于第十八项任务申请办结的请示：…特申请该项任务办结，妥否，请批示。`,
  // `…关于申请任务一办结的报告：…`. The heading asks (申请) before its colon.
  new RegExp(
    `^(?=[^\\n:：]{0,20}?关于[^\\n:：]{0,30}?申请[^\\n:：]{0,12}[:：])${WHOLE_NOT_ASKING}[^\\n:：]{0,20}?关于\\s*(?:申请\\s*)?#\\s*(?:任务)?\\s*的?\\s*` +
      "(?:申请\\s*)?(?:办结|销号)\\s*的?\\s*(?:申请|请示|报告)?\\s*[:：]\\s*" +
      "(?<reason>[\\s\\S]{0,200}?(?:已|完成|办完|落实到位|达成|到位|结束|完毕)[\\s\\S]*?)[\\s。.!！]*$",
    "u",
  ),
  new RegExp(
    "^(?!.*(?:如果|要是|假如|若是|万一|等到?|待|以后|之后|的话|能不能|是否|吗|没|未|不|无|别|暂缓|尚|他们|他|她|对方|说|谁|为什么|怎么|什么时候|何时" +
      // Not now: `下个月申请办结`, `过几天再申请`.
      "|下个?(?:月|周|星期|礼拜)|明天|后天|过几天|过段时间|回头|改天|到时))" +
      "(?:#|这两项|这几项|这个|这项|该项|两项|此项)?\\s*(?:任务)?\\s*" +
      // The work told done, by 已 or by 了 after a verb (`管理办法早印发了`, `领导小组去年就成立了文件也发了`).
      "(?<reason>[^\\n]{0,60}?(?:已|完成|办完|弄完|做完|搞完|干完|落实到位|到位|结束|完毕|(?:印发|发|成立|建成|建好|通过|验收|上线|部署|出台|签|挂牌|建立|办|弄|做|搞)了)[^\\n]{0,60}?)" +
      "[,，。;；\\s]*(?:现|特此|现在|故|特|所以|就|因此)?\\s*(?:我们|我所|我队|我单位|本单位|我们所|我们队)?\\s*(?:就)?\\s*" +
      "(?:#|这项|该项|此项|本项|这个|这两项|这几项)?\\s*(?:任务)?\\s*" +
      "(?<!已|已经|曾|再|要|想|能|可以|准备|打算)(?:申请|提请|请求|报请)\\s*(?:办结|销号)(?:一下)?吧?" +
      AFTER_APPLYING,
    "u",
  ),
];

/**
 * `申请办结 6 两名民警已入选市级数字工匠`: a lead unit asks the office to approve completion. The task
 * shows 待审核 and gets no overdue reminders until the office decides; the office's room is told.
 */
export default defineCommand({
  name: "request-completion",
  summary: "requestCompletion",
  examples: ["申请办结 6 两名民警已入选市级数字工匠", "任务6申请办结 已全部完成", "request done 6 two officers were selected"],
  help: { topic: "completion" },
  cues: {
    kind: "task-command",
    prefixes: ["申请办结", "办结申请", "提请办结", "request done", "request completion of task", "request completion"],
    suffixes: ["申请办结", "办结申请", "提请办结"],
    whole: APPLY_IN_WORDS,
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    const unit = await requireRequester(ctx, "completion", task);
    if (!reason) throw new UserError(t.review.needNote(task.number));
    await submitRequest(ctx, task, unit, { kind: "completion", note: reason, deadline: null });
    const who = personLabel(t, ctx.directory, ctx.inbound.sender, unit);
    return {
      replies: [reply([t.review.requested(task.number, task.title)])],
      notices: notice(
        ctx,
        ctx.directory.officeRooms(),
        t.review.officeNotice(task.number, task.title, who, reason, ctx.inbound.link ?? "", await planPrefix(ctx, plan)).split("\n"),
      ),
    };
  },
});
