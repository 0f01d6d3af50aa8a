import type { ReminderPreviewPort } from "../core/command.js";
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { ReminderPolicy } from "./reminder-policy.js";
import { firstFireTime } from "./reminder-scheduler.js";
import type { ReminderService } from "./reminder-service.js";
import type { WorkingCalendar } from "./working-calendar.js";

/** The preview behind `提醒预览`: what the next scheduled run would send, computed without writing. */
export function reminderPreview(service: ReminderService, calendar: WorkingCalendar, policy: ReminderPolicy): ReminderPreviewPort {
  return {
    async nextRun(now: Date) {
      const time = firstFireTime(policy.cron);
      const today = dayOf(now, policy.timezone);
      let day = now.getTime() < zonedInstant(today, time, policy.timezone).getTime() ? today : addDays(today, 1);
      day = calendar.workdayOnOrAfter(day);
      const at = zonedInstant(day, time, policy.timezone);
      const messages = await service.preview([day], at);
      return { day, time, messages: messages.map((m) => ({ unit: m.unit, kinds: m.kinds, taskNumbers: m.taskNumbers })) };
    },
  };
}
