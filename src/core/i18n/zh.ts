import type { Catalogue } from "./en.js";

/** 简体中文 (default). */
export const zh = {
  list: (items: string[]) => items.join("、"),
  none: "无",
  light: {
    red: "逾期",
    yellow: "需关注",
    green: "正常推进",
    done: "已办结",
    ongoing: "持续推进",
  },
  status: {
    title: (n: number, title: string) => `任务${n}：${title}`,
    section: (label: string, title: string) => `所属：${label}${title}`,
    leadUnits: (units: string) => `牵头单位：${units}`,
    responsibleUnits: (units: string) => `责任单位：${units}`,
    deadlineDaysLeft: (text: string, date: string, days: number) => `完成时限：${text}（${date}，剩余${days}天）`,
    deadlineToday: (text: string, date: string) => `完成时限：${text}（${date}，今天到期）`,
    deadlineOverdue: (text: string, date: string, days: number) => `完成时限：${text}（${date}，已逾期${days}天）`,
    deadlineOngoing: (text: string) => `完成时限：${text}（长期任务）`,
    deadlinePastMilestone: (text: string, date: string) => `完成时限：${text}（节点${date}已过，转入持续推进）`,
    deadlineUnknown: (text: string) => `完成时限：${text}（无法识别，已报科技办）`,
    lightLine: (icon: string, name: string, extra: string) => `状态：${icon} ${name}${extra ? `（${extra}）` : ""}`,
    stale: (days: number) => `已${days}天未报送进展`,
    neverUpdated: "尚无进展",
    progress: (p: number | null) => `最新进度：${p === null ? "未报告" : `${p}%`}`,
    lastUpdate: (at: string, who: string, text: string) => `最近进展：${at} ${who}：${text}`,
    lastUpdateNone: "最近进展：暂无",
    author: (id: string, unit: string | null) => (unit ? `${id}（${unit}）` : id),
    updateCount: (n: number) => `进展条数：${n}`,
    completed: (at: string, by: string) => `已于${at}办结（${by}）`,
    notInDocument: "注意：最新导入的计划文件中已没有此任务。",
    paused: (reason: string) => `提醒已暂停：${reason}`,
    hintUpdate: (n: number) => `报送进展：任务${n}进展:内容 60%`,
  },
  overview: {
    header: (title: string, day: string, total: number) => `${title}\n总览（${day}），共${total}项任务`,
    counts: (parts: string) => parts,
    group: (icon: string, name: string, count: number) => `${icon} ${name}（${count}项）`,
    sectionLine: (label: string, numbers: string) => `  ${label} ${numbers}`,
    more: (n: number) => `…等另${n}项`,
    footer: "发送“任务N”查看详情，“逾期”“临期”查看清单。",
  },
  lists: {
    overdueHeader: (n: number) => `逾期任务（${n}项）：`,
    overdueNone: "目前没有逾期任务。",
    overdueItem: (icon: string, n: number, title: string, units: string, days: number) =>
      `${icon} 任务${n} ${title}（${units}）逾期${days}天`,
    dueSoonHeader: (days: number, n: number) => `${days}天内到期的任务（${n}项）：`,
    dueSoonNone: (days: number) => `${days}天内没有到期的任务。`,
    dueSoonItem: (icon: string, n: number, title: string, units: string, days: number, date: string) =>
      `${icon} 任务${n} ${title}（${units}）${days === 0 ? "今天到期" : `剩余${days}天`}，${date}`,
    unitHeader: (unit: string, n: number) => `${unit}牵头的任务（${n}项）：`,
    unitNone: (unit: string) => `${unit}在本计划中没有牵头任务。`,
    taskItem: (icon: string, n: number, title: string, deadline: string, progress: string) =>
      `${icon} 任务${n} ${title} · ${deadline}${progress ? ` · ${progress}` : ""}`,
    progress: (p: number) => `进度${p}%`,
    deadlineLeft: (text: string, days: number) => `${text}（剩余${days}天）`,
    deadlineOver: (text: string, days: number) => `${text}（逾期${days}天）`,
    truncated: (shown: number, total: number) => `（仅显示${shown}项，共${total}项）`,
  },
  mine: {
    header: (units: string, n: number) => `你所在单位（${units}）牵头的任务（${n}项）：`,
    notInDirectory: (user: string) =>
      `名册中没有${user}，无法确定你所在的单位。请联系科技办登记，或发送“单位名称的任务”，例如“刑侦大队的任务”。`,
    none: (units: string) => `${units}在本计划中没有牵头任务。发送“总览”查看全部任务。`,
  },
  history: {
    header: (n: number, title: string, count: number, shown: number) =>
      `任务${n} ${title} 的进展记录（共${count}条${shown < count ? `，显示最近${shown}条` : ""}）：`,
    none: (n: number) => `任务${n}还没有进展记录。`,
    item: (at: string, who: string, percent: string, text: string) => `${at} ${who}${percent}：${text}`,
    percent: (p: number) => ` ${p}%`,
    retracted: "[已撤回] ",
    edited: "（已修改）",
  },
  update: {
    recorded: (n: number, title: string, percent: number | null, count: number, text: string) =>
      `已记录任务${n}（${title}）的第${count}条进展${percent === null ? "" : `，进度${percent}%`}：${text}`,
    noText: (n: number) => `进展内容为空，未记录。请这样写：任务${n}进展:完成初审 60%`,
    percentOutOfRange: (p: string) => `进度${p}%不在0–100之间，未记录。`,
    done: (n: number) => `任务${n}已办结，本条进展仍已记录。`,
    revised: (n: number, percent: number | null) =>
      `已修改任务${n}的这条进展${percent === null ? "" : `（进度${percent}%）`}，原文保留在记录中。`,
    retracted: (n: number) => `已撤回任务${n}的一条进展，记录中标注为已撤回。`,
  },
  errors: {
    noPlan: "尚未导入计划。请科技办先导入计划文件：npx duban import 文件",
    unknownTask: (n: number, min: number, max: number) => `没有任务${n}。本计划的任务编号为${min}–${max}。`,
    badTaskNumber: (text: string) => `“${text}”不是有效的任务编号。`,
    tooLong: (length: number, max: number) => `消息过长（${length}字，上限${max}字），未记录。请精简后重发。`,
    unknownUnit: (name: string, known: string) => `没有名为“${name}”的单位。现有单位：${known}`,
    notUnderstood: "没看懂这条消息。发送“帮助”查看用法，例如：任务6、总览、任务6进展:完成初审 60%",
    internal: "抱歉，处理这条消息时出错了，已记录日志。请稍后再试或联系科技办。",
  },
  help: {
    header: "督办机器人跟踪计划任务的进展。可以这样说：",
    item: (summary: string, examples: string) => `• ${summary}：${examples}`,
    footer: "中英文命令均可。",
  },
  commands: {
    status: "查询一项任务的进展",
    overview: "全部任务按红黄绿灯汇总",
    overdue: "已逾期的任务",
    dueSoon: "即将到期的任务",
    unit: "某单位牵头的任务",
    mine: "我所在单位牵头的任务",
    history: "一项任务的进展记录",
    update: "报送任务进展（可带百分比）",
    help: "本帮助",
  },
} satisfies Catalogue;

export type Lang = "zh" | "en";
