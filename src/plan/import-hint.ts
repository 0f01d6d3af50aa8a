/**
 * How an operator imports the bureau's plan, for a production database that has none yet (the start log,
 * `duban doctor`): an unpacked bundle runs `bin/duban`, a source checkout `npx duban`.
 */
export const IMPORT_PLAN_COMMAND = "duban import 方案.docx（源码目录中为 npx duban import 方案.docx）";
