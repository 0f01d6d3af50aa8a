import { parseArgs } from "node:util";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { backupDatabase } from "../ops/backup.js";
import { formatSize } from "../util/format-size.js";
import { CliError, refuseOnPostgres, type CliCommand, print } from "./shared.js";

/** `duban backup FILE`: a consistent online backup, checked with integrity_check. Safe while the bot runs. */
export default {
  name: "backup",
  usage: ["backup FILE"],
  async run(argv, { config }) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new CliError("backup: 请给出一个备份文件名 / give one backup file", { usage: true });
    const target = positionals[0]!;
    refuseOnPostgres(config, "backup");
    const started = performance.now();
    const r = await backupDatabase(sqlitePathFromUrl(config.databaseUrl), target);
    print(`已备份到 ${target}（${formatSize(r.bytes)}，${r.pages} 页，integrity_check ok，${Math.round(performance.now() - started)} ms）/ backed up\n`);
    return 0;
  },
} satisfies CliCommand;
