/**
 * A plan's short code (计划代码): how people name a plan in chat when several are followed at once,
 * `科技兴警 任务6`. Given at import (`npx duban import FILE --code 科技兴警`) or derived from the title.
 */

/** Longest code, in characters: long enough for 夏季治安打击整治, short enough to type before 任务6. */
export const MAX_CODE_LENGTH = 12;
const DERIVED_LENGTH = 8;

/** Words that say what kind of document it is, not which one; stripped from the end, repeatedly. */
const GENERIC_ENDINGS = [
  "的通知",
  "实施方案",
  "工作方案",
  "行动方案",
  "行动计划",
  "工作计划",
  "工作要点",
  "任务清单",
  "任务分工",
  "责任分工",
  "三年行动",
  "三年",
  "方案",
  "计划",
  "要点",
  "清单",
  "规划",
];
/** Issuers that open a title: 明溪县公安局…, 三明市人民政府办公室关于…. */
const ISSUER = /^.*?(公安局|公安分局|公安厅|公安处|人民政府办公室|人民政府|办公室)/;

/**
 * A code from a plan title: `derivePlanCode("明溪县公安局科技兴警三年行动实施方案(2023-2025年)")` → "科技兴警".
 * The issuer, a closing parenthesis (the years), 关于印发 and words like 实施方案 or 行动计划 are left out;
 * a leading year stays as digits (2024年度重点工作要点 → 2024重点工作). `taken` codes get a number: 科技兴警2.
 */
export function derivePlanCode(title: string, taken: Iterable<string> = []): string {
  let s = title.normalize("NFKC").replace(/\s+/g, "");
  s = s.replace(/[（(][^（()）]*[)）]$/u, "");
  s = s.replace(ISSUER, "");
  s = s
    .replace(/^关于(印发)?/, "")
    .replace(/^《/, "")
    .replace(/》.*$/, "");
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of GENERIC_ENDINGS)
      if (s.length > w.length && s.endsWith(w)) {
        s = s.slice(0, -w.length);
        changed = true;
      }
  }
  s = s.replace(/^(\d{4})年度?/, "$1").replace(/[^\p{L}\p{N}]/gu, "");
  let base = [...s].slice(0, DERIVED_LENGTH).join("");
  if (planCodeProblem(base) !== null) base = "计划";
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

/**
 * Why a code given by an operator cannot be used (in Chinese), or null when it can. A code is 2 to 12 letters
 * or digits (Chinese included), not all digits, so that `科技兴警 6` still reads as a plan and a task number.
 */
export function planCodeProblem(code: string): string | null {
  const n = [...code].length;
  if (n < 2 || n > MAX_CODE_LENGTH) return `计划代码须为2至${MAX_CODE_LENGTH}个字符（现为${n}个）`;
  if (!/^[\p{L}\p{N}]+$/u.test(code)) return "计划代码只能由汉字、字母和数字组成，不含空格和标点";
  if (/^\d+$/.test(code)) return "计划代码不能全是数字，以免与任务编号混淆";
  if (/^(任务|task)/i.test(code)) return "计划代码不能以“任务”或“task”开头";
  return null;
}

/** A code that cannot be given to a plan at import; the message says why, in Chinese. Nothing is written. */
export class PlanCodeError extends Error {
  override name = "PlanCodeError";
}
