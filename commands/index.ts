import type { AnyCommand } from "../src/core/command.js";
import complete from "./complete.js";
import dueSoon from "./due-soon.js";
import help from "./help.js";
import history from "./history.js";
import mine from "./mine.js";
import overdue from "./overdue.js";
import overview from "./overview.js";
import pauseReminders from "./pause-reminders.js";
import remindersPreview from "./reminders-preview.js";
import resumeReminders from "./resume-reminders.js";
import status from "./status.js";
import unit from "./unit.js";
import update from "./update.js";

/** Every chat command, in matching order: updates before status (`任务6进展:` vs `任务6进展`), `我的任务` before `X的任务`. */
export const commands: readonly AnyCommand[] = [
  update,
  history,
  status,
  overview,
  overdue,
  dueSoon,
  mine,
  unit,
  remindersPreview,
  pauseReminders,
  resumeReminders,
  complete,
  help,
];
