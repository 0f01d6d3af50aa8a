// A second bot process for the concurrency test: opens the app on DATABASE_URL and handles `count`
// updates from one officer, then prints {"replies": [...]} as JSON. Usage: tsx writer.ts NAME COUNT
import { openApp } from "../../src/app.js";
import { readConfig } from "../../src/config.js";
import { fixedClock } from "../../src/core/clock.js";
import { quietLogger } from "./temp-app.js";

const [name = "p", count = "50"] = process.argv.slice(2);
const app = await openApp(readConfig({ ...process.env, DUBAN_RATE_LIMIT: "0" }), fixedClock(new Date("2024-06-30T10:00:00+08:00")), {
  logger: quietLogger,
  quiet: true,
});
const replies: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const r = await app.bot.handle({
    transport: "matrix",
    room: "xingzhen",
    sender: "@zhang:bureau.local",
    text: `任务${(i % 25) + 1}进展：${name}的第${i + 1}条 ${i % 101}%`,
    eventId: `$${name}-${i}`,
    isDirect: false,
    mentionsBot: false,
  });
  replies.push(r.replies.map((x) => x.text).join("\n"));
}
await app.close();
process.stdout.write(JSON.stringify({ replies, errors: quietLogger.errors }));
