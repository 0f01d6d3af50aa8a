import { parseArgs } from "node:util";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { restoreDatabase } from "../ops/backup.js";
import { CliError, clockFor, refuseOnPostgres, type CliCommand, print } from "./shared.js";

/** `duban restore FILE`: replace the database with a backup, refused while a bot holds the database. */
export default {
  name: "restore",
  usage: ["restore FILE"],
  async run(argv, { config }) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new CliError("restore: 请给出一个备份文件 / give one backup file", { usage: true });
    refuseOnPostgres(config, "restore");
    const stamp = clockFor(undefined, config).now().toISOString().replace(/[:.]/g, "-");
    const r = restoreDatabase(sqlitePathFromUrl(config.databaseUrl), positionals[0]!, stamp);
    print(`已从 ${positionals[0]} 恢复数据库${r.keptAs ? `；原数据库保留为 ${r.keptAs}` : ""} / restored\n`);
    return 0;
  },
} satisfies CliCommand;
