/** English catalogue. The zh catalogue `satisfies` this type, so a missing key fails tsc. */
export const en = {
  list: (items: string[]) => items.join(", "),
  none: "none",
  light: {
    red: "overdue",
    yellow: "needs attention",
    green: "on track",
    done: "done",
    ongoing: "ongoing",
  },
  status: {
    title: (n: number, title: string) => `Task ${n}: ${title}`,
    section: (label: string, title: string) => `Section: ${label} ${title}`,
    leadUnits: (units: string) => `Lead units: ${units}`,
    responsibleUnits: (units: string) => `Responsible units: ${units}`,
    deadlineDaysLeft: (text: string, date: string, days: number) => `Deadline: ${text} (${date}, ${days} days left)`,
    deadlineToday: (text: string, date: string) => `Deadline: ${text} (${date}, due today)`,
    deadlineOverdue: (text: string, date: string, days: number) => `Deadline: ${text} (${date}, ${days} days overdue)`,
    deadlineOngoing: (text: string) => `Deadline: ${text} (ongoing)`,
    deadlinePastMilestone: (text: string, date: string) => `Deadline: ${text} (milestone ${date} passed; now ongoing)`,
    deadlineUnknown: (text: string) => `Deadline: ${text} (not understood; the office has been told)`,
    lightLine: (icon: string, name: string, extra: string) => `Light: ${icon} ${name}${extra ? ` (${extra})` : ""}`,
    stale: (days: number) => `no update for ${days} days`,
    neverUpdated: "no update yet",
    progress: (p: number | null) => `Progress: ${p === null ? "not reported" : `${p}%`}`,
    lastUpdate: (at: string, who: string, text: string) => `Last update: ${at} ${who}: ${text}`,
    lastUpdateNone: "Last update: none yet",
    author: (id: string, unit: string | null) => (unit ? `${id} (${unit})` : id),
    updateCount: (n: number) => `Updates: ${n}`,
    completed: (at: string, by: string) => `Completed (办结) on ${at} by ${by}`,
    notInDocument: "Note: the latest imported plan document no longer lists this task.",
    paused: (reason: string) => `Reminders paused: ${reason}`,
    hintUpdate: (n: number) => `Post progress: update task ${n}: TEXT 60%`,
  },
  overview: {
    header: (title: string, day: string, total: number) => `${title}: overview on ${day}, ${total} tasks`,
    counts: (parts: string) => parts,
    group: (icon: string, name: string, count: number) => `${icon} ${name} (${count})`,
    sectionLine: (label: string, numbers: string) => `  ${label} ${numbers}`,
    more: (n: number) => `… and ${n} more`,
    footer: "Send \"status N\" for details, \"overdue\" or \"due soon\" for lists.",
  },
  lists: {
    overdueHeader: (n: number) => `Overdue tasks (${n}):`,
    overdueNone: "No task is overdue.",
    overdueItem: (icon: string, n: number, title: string, units: string, days: number) =>
      `${icon} Task ${n} ${title} (${units}) ${days} days overdue`,
    dueSoonHeader: (days: number, n: number) => `Tasks due within ${days} days (${n}):`,
    dueSoonNone: (days: number) => `No task is due within ${days} days.`,
    dueSoonItem: (icon: string, n: number, title: string, units: string, days: number, date: string) =>
      `${icon} Task ${n} ${title} (${units}) ${days === 0 ? "due today" : `${days} days left`}, ${date}`,
    unitHeader: (unit: string, n: number) => `Tasks led by ${unit} (${n}):`,
    unitNone: (unit: string) => `${unit} leads no task in this plan.`,
    taskItem: (icon: string, n: number, title: string, deadline: string, progress: string) =>
      `${icon} Task ${n} ${title} · ${deadline}${progress ? ` · ${progress}` : ""}`,
    progress: (p: number) => `${p}%`,
    deadlineLeft: (text: string, days: number) => `${text} (${days} days left)`,
    deadlineOver: (text: string, days: number) => `${text} (${days} days overdue)`,
    truncated: (shown: number, total: number) => `(showing ${shown} of ${total})`,
  },
  mine: {
    header: (units: string, n: number) => `Tasks led by your unit ${units} (${n}):`,
    notInDirectory: (user: string) =>
      `${user} is not in the directory, so I do not know your unit. Ask the office (科技办) to add you, or send "unit NAME".`,
    none: (units: string) => `${units} leads no task in this plan. Send "overview" to see every task.`,
  },
  history: {
    header: (n: number, title: string, count: number, shown: number) =>
      `Updates of task ${n} ${title} (${count}${shown < count ? `, latest ${shown}` : ""}):`,
    none: (n: number) => `Task ${n} has no update yet.`,
    item: (at: string, who: string, percent: string, text: string) => `${at} ${who}${percent}: ${text}`,
    percent: (p: number) => ` ${p}%`,
    retracted: "[retracted] ",
    edited: " (edited)",
  },
  update: {
    recorded: (n: number, title: string, percent: number | null, count: number, text: string) =>
      `Recorded for task ${n} ${title}${percent === null ? "" : `, progress ${percent}%`} (update #${count}): ${text}`,
    noText: (n: number) => `The update is empty, so nothing was recorded. Write it like: update task ${n}: first review passed 60%`,
    percentOutOfRange: (p: string) => `Progress ${p}% is outside 0–100, so nothing was recorded.`,
    done: (n: number) => `Task ${n} is already completed (办结); the update was recorded anyway.`,
    revised: (n: number, percent: number | null) =>
      `Revised the update on task ${n}${percent === null ? "" : ` (progress ${percent}%)`}; the earlier text is kept in history.`,
    retracted: (n: number) => `Retracted an update on task ${n}; it stays in history, marked as retracted.`,
  },
  errors: {
    noPlan: "No plan has been imported yet. The office can import one with: npx duban import FILE",
    unknownTask: (n: number, min: number, max: number) => `There is no task ${n}. Task numbers in this plan run from ${min} to ${max}.`,
    badTaskNumber: (text: string) => `"${text}" is not a task number.`,
    tooLong: (length: number, max: number) =>
      `The message is too long (${length} characters, at most ${max}), so nothing was recorded.`,
    unknownUnit: (name: string, known: string) => `No unit is called "${name}". Units: ${known}`,
    notUnderstood: 'I did not understand that. Send "help" for what I can do, e.g. "status 6", "overview", "update task 6: TEXT 60%".',
    internal: "Sorry, something went wrong while handling that message. It has been logged; please try again or contact the office.",
  },
  help: {
    header: "duban (督办) follows up the plan's tasks. You can say:",
    item: (summary: string, examples: string) => `• ${summary}: ${examples}`,
    footer: "Chinese and English forms both work.",
  },
  commands: {
    status: "status of one task",
    overview: "overview of all tasks by traffic light",
    overdue: "tasks past their deadline",
    dueSoon: "tasks due soon",
    unit: "tasks led by a unit",
    mine: "tasks led by your unit",
    history: "the updates of a task",
    update: "record progress on a task (a percentage is optional)",
    help: "this help",
  },
};

export type Catalogue = typeof en;
