import { parseArgs } from "node:util";
import { matrixTransportFor } from "../app.js";
import { dayOf } from "../core/time.js";
import type { ReminderMessage } from "../reminders/reminder-service.js";
import { printReminders } from "../transports/console.js";
import { CliError, clockFor, withApp, type CliCommand, print } from "./shared.js";

function reminderJson(messages: ReminderMessage[]) {
  return messages.map((m) => ({ unit: m.unit, kind: m.kind, kinds: m.kinds, taskNumbers: m.taskNumbers, rooms: m.rooms, text: m.reply.text }));
}

/** `duban reminders --at …`: the reminders due at that instant; sent and recorded unless --dry-run. */
export default {
  name: "reminders",
  usage: ["reminders --at ISO-DATETIME [--dry-run] [--json]"],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { at: { type: "string" }, "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    });
    if (positionals.length) throw new CliError(`reminders: unexpected ${positionals.join(" ")}`, { usage: true });
    if (values.at === undefined && !config.now) throw new CliError("reminders: 请用 --at 指定时间 / give --at ISO-DATETIME", { usage: true });
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const now = clock.now();
      const days = [dayOf(now, app.reminders.policy.timezone)];
      let messages: ReminderMessage[];
      if (values["dry-run"]) messages = await app.reminders.service.preview(days, now);
      else if (config.matrix) {
        const transport = await matrixTransportFor(app);
        await transport.connect();
        messages = await app.reminders.service.run(days, now, transport.reminderSender());
      } else {
        messages = await app.reminders.service.run(days, now, null);
        if (!values.json)
          print(
            "（未配置聊天服务器：以下提醒仅显示并记录，未标记为已发送；配置 Matrix 的机器人仍会发送它们。/ no chat server: shown, not marked delivered）\n",
          );
      }
      if (values.json) print(`${JSON.stringify(reminderJson(messages), null, 2)}\n`);
      else if (messages.length === 0) print(`${days[0]}：没有要发送的提醒。\n`);
      else printReminders(process.stdout, messages);
      return 0;
    });
  },
} satisfies CliCommand;
