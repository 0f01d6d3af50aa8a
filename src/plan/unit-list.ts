/**
 * Unit lists (牵头单位 / 责任单位 / 配合单位) as plans write them.
 */

/**
 * Splits a unit list on `、`, `，`, `,` (and `；`/`;`), trims each name (ordinary and ideographic spaces),
 * drops a trailing `。`, drops empty names and keeps document order.
 *
 * @example
 * splitUnits("指挥情报中心、政工室、刑侦大队。"); // ["指挥情报中心", "政工室", "刑侦大队"]
 */
export function splitUnits(text: string): string[] {
  return text
    .split(/[、，,；;]/)
    .map((name) =>
      name
        .trim()
        .replace(/[。.]+$/, "")
        .trim(),
    )
    .filter((name) => name !== "");
}

/** Kinds of unit a collective name can cover: 各单位, 各派出所, 各警种部门, 各室(中心) … */
const UNIT_KIND = "(?:单位|部门|警种|派出所|所队|所|队|大队|中队|室|科室|中心|科|处|股|分局|支队|乡镇|街道|机关)";
const COLLECTIVE = [
  // 各单位, 局属各单位, 县局各部门, 各警种部门, 各相关单位, 各室(中心)
  new RegExp(`^.{0,8}各.{0,8}${UNIT_KIND}(?:[（(][^）)]*[）)])?$`),
  // 全局各单位 is covered above; 全体单位, 所有部门, 相关单位, 有关部门, 全县公安机关, 成员单位
  new RegExp(`^(?:全局|全县|全市|全体|所有|相关|有关|其他|其它|全县公安|各级).{0,6}${UNIT_KIND}$`),
  /^(?:领导小组)?成员单位$/,
];

/**
 * True for a collective name that stands for many units ("all units"), such as 局属各单位, 各警种部门, 各单位,
 * 各派出所, 县局各部门, 相关单位 or 成员单位; false for a single unit such as 刑侦大队.
 *
 * @example
 * isCollectiveUnit("局属各单位"); // true
 * isCollectiveUnit("刑侦大队");   // false
 */
export function isCollectiveUnit(name: string): boolean {
  const n = name.trim().replace(/\s+/g, "");
  if (n === "") return false;
  return COLLECTIVE.some((re) => re.test(n));
}
