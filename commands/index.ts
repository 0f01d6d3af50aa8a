import type { AnyCommand } from "../src/core/command.js";
import archivePlan from "./archive-plan.js";
import audit from "./audit.js";
import bind from "./bind.js";
import bindRoom from "./bind-room.js";
import complete from "./complete.js";
import dueSoon from "./due-soon.js";
import evidence from "./evidence.js";
import help from "./help.js";
import helpTopic from "./help-topic.js";
import history from "./history.js";
import mine from "./mine.js";
import overdue from "./overdue.js";
import unreported from "./unreported.js";
import overview from "./overview.js";
import pauseReminders from "./pause-reminders.js";
import remindersPreview from "./reminders-preview.js";
import reopen from "./reopen.js";
import restorePlan from "./restore-plan.js";
import retract from "./retract.js";
import requestCompletion from "./request-completion.js";
import requestExtension from "./request-extension.js";
import resumeReminders from "./resume-reminders.js";
import reviewCompletion from "./review-completion.js";
import reviewExtension from "./review-extension.js";
import setDeadline from "./set-deadline.js";
import setTarget from "./set-target.js";
import digest from "./digest.js";
import scorecard from "./scorecard.js";
import report from "./report.js";
import exportCmd from "./export.js";
import chart from "./chart.js";
import addTarget from "./add-target.js";
import removeTarget from "./remove-target.js";
import setLeadUnits from "./set-lead-units.js";
import status from "./status.js";
import unbind from "./unbind.js";
import unit from "./unit.js";
import update from "./update.js";

/**
 * Every chat command, in matching order: updates before status (`任务6进展:` vs `任务6进展`), `我的任务` before `X的任务`;
 * task commands with longer prefixes first (`申请办结` before `办结`, `approve extension` before `approve`),
 * `绑定本群` before `绑定`.
 */
export const commands: readonly AnyCommand[] = [
  update,
  history,
  status,
  overview,
  overdue,
  dueSoon,
  unreported,
  mine,
  unit,
  remindersPreview,
  pauseReminders,
  resumeReminders,
  requestCompletion,
  reviewExtension,
  reviewCompletion,
  requestExtension,
  setDeadline,
  setTarget,
  addTarget,
  removeTarget,
  setLeadUnits,
  reopen,
  complete,
  retract,
  evidence,
  audit,
  digest,
  scorecard,
  report,
  exportCmd,
  chart,
  bindRoom,
  archivePlan,
  restorePlan,
  unbind,
  bind,
  helpTopic,
  help,
];
