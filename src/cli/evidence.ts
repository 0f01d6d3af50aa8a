import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { leadUnitFor } from "../core/permissions.js";
import { formatSize } from "../util/format-size.js";
import { assertPlanActive, CliError, cliActor, clockFor, planOf, withApp, type CliCommand, print } from "./shared.js";

const MIME: Record<string, string> = {
  ".pdf": "application/pdf",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".doc": "application/msword",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".txt": "text/plain",
  ".zip": "application/zip",
};

/** `duban evidence add 6 FILE --as USER`: attach a file to task 6's open completion request (or the task), as that user. */
export default {
  name: "evidence",
  usage: ["evidence add TASK FILE --as USER [--plan CODE] [--at ISO-DATETIME]"],
  async run(argv, { config, env }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { as: { type: "string" }, at: { type: "string" }, plan: { type: "string" } },
    });
    const [verb, taskArg, file, ...extra] = positionals;
    if (verb !== "add" || !taskArg || !file || extra.length) throw new CliError("evidence: usage: npx duban evidence add TASK FILE --as USER", { usage: true });
    if (!values.as) throw new CliError("evidence add: 请用 --as 指定提交人 / give --as USER (the officer or admin submitting it)");
    const user = values.as;
    const clock = clockFor(values.at, config);
    let bytes: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      bytes = readFileSync(file);
    } catch (e) {
      throw new CliError(`evidence add: 无法读取文件 ${file}：${(e as Error).message}`);
    }
    if (bytes.byteLength > config.evidenceMaxMb * 1024 * 1024)
      throw new CliError(`evidence add: ${basename(file)} 大小为${formatSize(bytes.byteLength)}，超过${config.evidenceMaxMb} MB的上限，未保存。`);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      assertPlanActive(app, plan);
      const n = Number(taskArg);
      const task = Number.isInteger(n) ? await app.repos.plans.task(plan.id, n) : null;
      if (!task) throw new CliError(`evidence add: 没有任务${taskArg} / no such task`);
      const unit = leadUnitFor(app.directory, user, task);
      const actor = cliActor(env, user, unit ?? app.directory.homeUnit(user));
      if (!unit && !app.directory.isAdmin(user)) {
        await app.repos.audit.append({ at: clock.now(), actor, action: "add-evidence", outcome: "refused", task, detail: { file: basename(file) } });
        throw new CliError(`evidence add: ${user} 不是任务${task.number}牵头单位的人员或科技办管理员，未保存（已记入审计）。`);
      }
      const [open] = await app.repos.requests.pending(task.id, "completion");
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const name = basename(file);
      const path = await app.evidence.save(bytes, { taskNumber: task.number, sha256, name });
      const ext = name.slice(name.lastIndexOf(".")).toLowerCase();
      const stored = await app.repos.evidence.add(
        {
          taskId: task.id,
          requestId: open?.id ?? null,
          fileName: name,
          mimeType: MIME[ext] ?? "application/octet-stream",
          size: bytes.byteLength,
          sha256,
          path,
          uploader: user,
          eventId: null,
        },
        actor,
        clock.now(),
      );
      print(
        `已保存任务${task.number}的佐证材料：${stored.fileName}（${formatSize(stored.size)}，sha256 ${stored.sha256}）${open ? `，附于办结申请#${open.id}` : ""}。\n`,
      );
      return 0;
    });
  },
} satisfies CliCommand;
