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
    deadlineDone: (text: string, date: string) => `Deadline: ${text} (${date})`,
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
    author: (name: string, unit: string | null) => (unit ? `${name} (${unit})` : name),
    updateCount: (n: number) => `Updates: ${n}`,
    completed: (at: string, by: string) => `Completed (办结) on ${at} by ${by}`,
    notInDocument: "Note: the latest imported plan document no longer lists this task.",
    paused: (reason: string) => `Reminders paused: ${reason}`,
    reviewPending: (who: string, at: string, note: string) => `Pending review (待审核): completion requested by ${who} on ${at}: ${note}`,
    extensionPending: (who: string, deadline: string) => `Extension to ${deadline} requested by ${who}, pending review`,
    deadlineExtended: (original: string, current: string) => `Originally ${original}, extended with approval to ${current}`,
    deadlineAdjusted: (original: string, current: string) => `Originally ${original}, changed by the office to ${current}`,
    target: (name: string, current: number, count: number, unit: string, due: string | null, mark: string) =>
      `Target: ${name} ${current}/${count}${unit ? ` ${unit}` : ""}${due ? ` (due ${due})` : ""}${mark}`,
    targetMet: " ✅ met",
    targetBehind: " ⚠ behind",
    behind: (names: string) => `targets behind: ${names}`,
    hintUpdate: (n: number) => `Post progress: update task ${n}: TEXT 60%`,
  },
  plans: {
    item: (code: string, title: string, archived: boolean) => `• ${code} ${title}${archived ? " (archived)" : ""}`,
    heading: (code: string, title: string) => `[${code}] ${title}`,
    archived: (code: string, title: string, reason: string) =>
      `Archived plan "${code}" (${title}). Reason: ${reason}. It gets no reminders and leaves the overview; ` +
      `its history can still be queried, e.g. "${code} task 1".`,
    alreadyArchived: (code: string, at: string) => `Plan "${code}" was archived on ${at}.`,
    needReason: (example: string) => `Please give a reason, e.g.: ${example}`,
    needCode: (example: string, plans: string) => `Please name the plan's code, e.g.: ${example}. Plans:\n${plans}`,
    pendingItem: (n: number, kind: "completion" | "extension") => `task ${n} ${kind}`,
    pendingRequests: (code: string, count: number, list: string) =>
      `Plan "${code}" still has ${count} request(s) awaiting review (${list}); they could not be decided after archiving. ` +
      `Review them first. Nothing was changed.`,
    notArchived: (code: string) => `Plan "${code}" is not archived; it is in progress.`,
    restored: (code: string, title: string, reason: string) => `Restored plan "${code}" (${title}): reminders and views again. Reason: ${reason}.`,
  },
  overview: {
    header: (title: string, day: string, total: number) => `${title}: overview on ${day}, ${total} tasks`,
    counts: (parts: string) => parts,
    group: (icon: string, name: string, count: number) => `${icon} ${name} (${count})`,
    pending: (numbers: string) => `⏳ Completion pending review (待审核): tasks ${numbers}`,
    targets: (met: number, total: number) => `📊 Targets: ${met}/${total} met`,
    targetsBehind: (items: string) => `⚠ Targets behind: ${items}`,
    footer: 'Send "status N" for details, "overdue" or "due soon" for lists.',
  },
  /** The overview's task lines: number, short title and, for a red or yellow task, why. */
  overviewTasks: {
    item: (n: number, title: string, why: string) => `  ${n} ${title}${why ? ` · ${why}` : ""}`,
    overdue: (days: number) => `${days} days overdue`,
    dueSoon: (days: number) => (days === 0 ? "due today" : `${days} days left`),
    silent: (days: number) => `no report for ${days} days`,
    behind: "targets behind",
    reasons: (parts: string[]) => parts.join(", "),
    moreOverdue: (n: number) => `  … ${n} more: send "overdue" for every overdue task, or "export xlsx"`,
    more: (n: number) => `  … ${n} more: send "export xlsx" for every task`,
  },
  lists: {
    overdueHeader: (n: number) => `Overdue tasks (${n}):`,
    overdueNone: "No task is overdue.",
    overdueItem: (icon: string, n: number, title: string, units: string, days: number) => `${icon} Task ${n} ${title} (${units}) ${days} days overdue`,
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
    deadlineToday: (text: string) => `${text} (due today)`,
    truncated: (shown: number, total: number) => `(showing ${shown} of ${total})`,
  },
  unreported: {
    header: (since: string, n: number) => `Lead units that have not reported in this report cycle (since ${since}) (${n}):`,
    item: (unit: string, tasks: string) => `• ${unit}: task ${tasks}`,
    none: "Every lead unit has reported in this report cycle.",
  },
  mine: {
    header: (units: string, n: number) => `Tasks led by your unit ${units} (${n}):`,
    notInDirectory: (user: string) => `${user} is not in the directory, so I do not know your unit. Ask the office (科技办) to add you, or send "unit NAME".`,
    none: (units: string) => `${units} leads no task in this plan. Send "overview" to see every task.`,
  },
  history: {
    header: (n: number, title: string, count: number, shown: number) => `Updates of task ${n} ${title} (${count}${shown < count ? `, latest ${shown}` : ""}):`,
    none: (n: number) => `Task ${n} has no update yet.`,
    item: (at: string, who: string, percent: string, text: string) => `${at} ${who}${percent}: ${text}`,
    percent: (p: number) => ` ${p}%`,
    retracted: "[retracted] ",
    edited: " (edited)",
  },
  retract: {
    number: (m: number) => `#${m} `,
    done: (n: number, m: number, at: string, who: string, text: string) =>
      `Retracted update #${m} of task ${n} (${at} ${who}: "${text}"); the history marks it retracted.`,
    after: (n: number, progress: number | null, live: number) =>
      `Task ${n} now ${progress === null ? "has no percentage" : `stands at ${progress}%`}, with ${live} live update${live === 1 ? "" : "s"}.`,
    oneTask: (n: number) => `Retract one update of one task at a time, e.g.: retract task ${n}`,
    empty: (n: number) => `Task ${n} has no update yet; there is nothing to retract.`,
    noneOwn: (n: number) =>
      `Task ${n} has no live update of yours. An admin retracts a given one with: retract task ${n} #3 reason (numbers as in "history ${n}")`,
    notOwn: (n: number, office: string) =>
      `Only its author or an admin of ${office} may retract an update. You may retract your own latest on task ${n}: retract task ${n}. ` +
      `For someone else's or a given one, an admin writes its number and a reason: retract task ${n} #3 reason`,
    needReason: (n: number, m: number) => `Retracting a given update needs a reason, e.g.: retract task ${n} #${m} posted to the wrong task`,
    noSuch: (n: number, m: number, total: number) => `Task ${n} has no update #${m} (it has ${total}; see "history ${n}" for the numbers).`,
    already: (n: number, m: number) => `Update #${m} of task ${n} is already retracted; nothing changed.`,
  },
  withdrawal: {
    noneRecent: (hours: number) => `You have no live update from the last ${hours} hours. Name the task, e.g. retract task 6`,
    resend: "Please send the correct update again, e.g. task 6 update: … 40%",
  },
  /** A leader's pause or resume of reminders (`最近别催了`): only the office changes them, so it is passed on. */
  leaderReminders: {
    passedOn: (office: string) => `Only ${office} may pause or resume reminders; your request was passed on to them, and nothing was changed yet.`,
    officeNotice: (kind: "pause" | "resume", who: string, tasks: readonly number[], text: string, link: string) =>
      `[duban] ${who} asks to ${kind} reminders${tasks.length ? ` (tasks ${tasks.join(", ")})` : ""}: ${text}` +
      `${link ? `\nMessage: ${link}` : ""}\nTo do it: ${kind === "pause" ? "pause reminders N reason" : "resume reminders N"}`,
  },
  /** A withdrawal that only owns a slip (`撤回撤回 手滑了`): of the update sent just now, or none. */
  withdrawalJustSent: {
    none: (minutes: number) =>
      `You sent no update in the last ${minutes} minutes; nothing was retracted. To retract an earlier one, name the task, e.g. retract task 6`,
  },
  /** A withdrawal in reply to the bot (issue 25 review): never of an update other than the one replied to, nor an old one. */
  withdrawalByReply: {
    notYours: (n: number, m: number) =>
      `That update (task ${n}, no. ${m}) is not yours; nothing was retracted. Its author may retract it; ` +
      `an admin names it with a reason: retract task ${n} #${m} reason`,
    notRecent: (n: number, hours: number) =>
      `Your latest update on task ${n} is more than ${hours} hours old; nothing was retracted. To retract it, write: retract task ${n}`,
  },
  reports: {
    unavailable: "Reports are not available here; use npx duban report / export / chart.",
    unknownUnit: (name: string, known: string) => `No unit "${name}". Units: ${known}`,
    reportUsage: "Write: report 2024, 中期评估 or 总结验收",
    exportUsage: (word: string) => `Cannot export "${word}". Write: export xlsx, export csv, export ics or export json`,
    sending: (name: string) => `${name} is ready; the file follows.`,
  },
  targets: {
    none: (n: number) => `Task ${n} has no targets. Add one: add target ${n} NAME COUNT [DUE] REASON`,
    which: (n: number, names: string[]) => `Task ${n}'s targets: ${names.join(", ")}. Say which one.`,
    setUsage: (n: number, name: string) => `Write it like this: set target ${n} ${name} 2 REASON`,
    addUsage: (n: number) => `Write it like this: add target ${n} 省级数字工匠 1名 2025年底前 REASON`,
    exists: (n: number, name: string) => `Task ${n} already has the target "${name}"; use set target to change its count.`,
    set: (n: number, name: string, from: number, to: number, count: number, unit: string, reason: string) =>
      `Task ${n}, target ${name}: ${from}→${to}/${count}${unit ? ` ${unit}` : ""} (reason: ${reason})`,
    added: (n: number, name: string, count: number, unit: string, due: string | null, reason: string) =>
      `Task ${n}: added target ${name} ${count}${unit ? ` ${unit}` : ""}${due ? ` due ${due}` : ""} (reason: ${reason})`,
    removed: (n: number, name: string, reason: string) => `Task ${n}: removed target ${name} (reason: ${reason}); its history is kept.`,
  },
  /** Targets (指标) an update moves: never past the promised count, never below zero; a responsible unit's move waits for a lead unit. */
  targetLimits: {
    abovePromise: (n: number, name: string, current: number, to: number, count: number, unit: string, edit: boolean) =>
      `Task ${n}'s target ${name} promises ${count}${unit ? ` ${unit}` : ""} and stands at ${current}; this would make it ${to}, past the promise, ` +
      `so ${edit ? "the edit was not applied" : "nothing was recorded"}. To correct it, an admin writes "set target ${n} NAME COUNT REASON".`,
    belowZero: (n: number, name: string, current: number, to: number, unit: string, edit: boolean) =>
      `Task ${n}'s target ${name} stands at ${current}${unit ? ` ${unit}` : ""} and cannot go down to ${to} (0 at least), ` +
      `so ${edit ? "the edit was not applied" : "nothing was recorded"}.`,
  },
  /** A responsible unit's target move (指标+1): recorded with the update only once a lead unit or an admin confirms it. */
  targetRequest: {
    move: (name: string, delta: number) => `${name} ${delta > 0 ? "+" : ""}${delta}`,
    waiting: (moves: string, units: string, hours: number) =>
      `The target move (${moves}) needs a lead unit (${units}) or the office to confirm it; they have been asked (valid ${hours} hours). ` +
      `The count stays until then.`,
    ask: (n: number, title: string, who: string, text: string, moves: string, hours: number) =>
      `Task ${n} ${title}: ${who} reported "${text}" and asks to move a target: ${moves}.\n` +
      `A lead unit's member or an admin replies "yes" to confirm (or 👍), or "no" to leave it. Valid ${hours} hours.`,
    confirmed: (n: number) => `Confirmed task ${n}'s target move:`,
    confirmedNotice: (n: number, who: string) => `Task ${n}'s target move was confirmed by ${who}:`,
    declined: (n: number) => `OK, task ${n}'s target move is not counted; the count stays.`,
    declinedNotice: (n: number, moves: string, who: string) => `Task ${n}'s target move (${moves}) was not confirmed by ${who}; the count stays.`,
    notLead: (n: number, units: string) => `Only a member of task ${n}'s lead units (${units}) or an admin may confirm its target move; nothing changed.`,
    expired: (hours: number) => `This target request is older than ${hours} hours and has lapsed; the count did not move. Report it again if it still counts.`,
    retracted: (n: number) => `That update on task ${n} was retracted; the count did not move.`,
    editKept: "The edit's target move was not applied: only a lead unit's member or an admin moves a target; the count stays as it was.",
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
    noTargets: (n: number) =>
      `Task ${n} has no targets, so "指标+1" cannot be recorded; nothing was stored. Send it again without "指标+1", or ask the office to set a target.`,
    whichTarget: (n: number, names: string[]) =>
      `Which of task ${n}'s targets is meant? Its targets: ${names.join(", ")}. Name one, e.g. "指标：${names[0] ?? "name"}+1". Nothing was stored.`,
    targetMoved: (name: string, from: number, to: number, count: number, unit: string) => `Target "${name}": ${from}→${to}/${count}${unit ? ` ${unit}` : ""}`,
  },
  /** An update that says its task is done (issue 25, "Completion words"): recorded at 100, and the next step offered. */
  figures: {
    offerCompletion: (n: number) => `Apply for completion? Reply "request done ${n} <note>" (what was achieved); the office's review completes it.`,
    unmetTargets: (n: number, targets: string) => `Note: task ${n} has targets not yet met: ${targets}. The completion review will list them.`,
  },
  /** What a message's numbers may be: a task number of absurd length, a percentage written oddly (issue 22). */
  updateReading: {
    taskNumberTooLong: (min: number, max: number) => `There is no task with a number that long. Task numbers in this plan run from ${min} to ${max}.`,
    percentUnreadable: (p: string) =>
      `Progress "${p}%" is not a percentage that can be recorded, so nothing was recorded. Write a number from 0 to 100 with at most two decimals, e.g. "60%".`,
  },
  confirm: {
    task: (n: number, title: string) => `task ${n} (${title})`,
    askOne: (tasks: string, text: string, hours: number) =>
      `Record this as an update on ${tasks}? “${text}”\n` +
      `Reply “yes” to record it (or react 👍), or “no” to ignore it. The question stays open for ${hours} hours.`,
    askWhich: (text: string) => `This looks like a progress update: “${text}”. Which task is it for?`,
    option: (n: number, title: string) => `• task ${n} ${title}`,
    howToChoose: (n: number, hours: number) =>
      `Reply with the task number (e.g. “${n}”) to record it, or “no” to ignore it. The question stays open for ${hours} hours.`,
    declined: "OK, not recorded.",
    expired: (hours: number) =>
      `That question expired (after ${hours} hours), so nothing was recorded. Please post the update again, e.g. update task 6: … 60%`,
    notAnOption: (n: number, options: string) => `Task ${n} was not one of the options (${options}). Reply with one of them, or “no”.`,
  },
  leaderQuestions: {
    guess: (n: number, title: string) => `task ${n} (${title})`,
    declined: "All right.",
    dueByHeader: (end: string, n: number) => `Open tasks due by ${end} (${n}):`,
    dueByNone: (end: string) => `No open task is due by ${end}.`,
    which: (guesses: string) => `Did you mean the status of ${guesses}? Reply "yes" or the number`,
  },
  courtesy: {
    thanks: "You are welcome; ask me any time.",
  },
  /** A task command written as an order but with a question in it (issue 25, a question is never an order): answered as a question. */
  askedNotOrdered: {
    note: (command: string | null) =>
      `This message asks a question, so it was answered as one and nothing was changed. ` +
      (command ? `To do it, send it without the question: ${command}` : "To do it, send it again without the question."),
    command: {
      complete: (n: number) => `complete task ${n} NOTE`,
      reopen: (n: number) => `reopen task ${n} REASON`,
      "pause-reminders": (n: number) => `pause reminders ${n} REASON`,
      "resume-reminders": (n: number) => `resume reminders ${n}`,
      retract: (n: number) => `retract task ${n}`,
      "request-completion": (n: number) => `request done ${n} NOTE`,
      "request-extension": (n: number) => `request extension ${n} NEW-DEADLINE REASON`,
    },
  },
  /** Issue 25, "Ask instead of giving up": the close examples with "not understood", and the guess at a task named. */
  askInstead: {
    notUnderstood: "I did not understand that. Messages like these work:",
    example: (text: string) => `• ${text}`,
    help: 'Send "help" for everything I can do.',
    status: (guess: string) => `Did you mean the status of ${guess}? Reply "yes"`,
    orSend: (examples: readonly string[]) => `Or send: ${examples.map((e) => `"${e}"`).join(", ")}`,
  },
  learnedSignal: {
    suggest: (what: string, command: string) => `Did you mean to ${what}? A change like this needs the command sent by you: ${command}`,
    suggestQuery: (what: string, command: string) => `Did you mean to ${what}? Send: ${command}`,
    what: {
      retract: (n: string) => `withdraw your latest update on ${n}`,
      "pause-reminders": (n: string) => `pause the reminders of ${n}`,
      "resume-reminders": (n: string) => `resume the reminders of ${n}`,
      "request-completion": (n: string) => `request completion of ${n}`,
      complete: (n: string) => `complete ${n}`,
      status: (n: string) => `see the progress of ${n}`,
      history: (n: string) => `see the updates reported on ${n}`,
      unit: (_n: string) => "see a unit's tasks",
    },
    task: (n: number | null) => (n === null ? "a task" : `task ${n}`),
    command: {
      retract: (n: string) => `retract task ${n}`,
      "pause-reminders": (n: string) => `pause reminders ${n} REASON`,
      "resume-reminders": (n: string) => `resume reminders ${n}`,
      "request-completion": (n: string) => `request done ${n} NOTE`,
      complete: (n: string) => `complete task ${n} NOTE`,
      status: (n: string) => `status task ${n}`,
      history: (n: string) => `history ${n}`,
      unit: (_n: string) => "unit 刑侦大队",
    },
    /** In a command, the task's number, or a placeholder where the message named none. */
    number: (n: number | null) => (n === null ? "N" : String(n)),
  },
  errors: {
    noPlan:
      "No plan has been imported yet, so tasks can be neither queried nor reported. " +
      "The office's admin imports the bureau's plan on the server: duban import plan.docx (in a source checkout: npx duban import plan.docx)",
    noActivePlan: 'No plan is in progress (all are archived). Archived plans can still be queried, e.g. "科技兴警 task 6".',
    planAmbiguous: (plans: string, example: string) => `Several plans are in progress; please name the plan's code, e.g. "${example}":\n${plans}`,
    unknownPlan: (code: string, plans: string) => `There is no plan with code "${code}". Plans:\n${plans}`,
    editOtherPlan: (code: string) =>
      `This update belongs to plan "${code}"; an edit cannot move it to another plan. Retract it and post it again under the other plan.`,
    planArchived: (code: string, at: string) => `Plan "${code}" was archived on ${at}: it can be queried, not changed.`,
    unknownTask: (n: number, min: number, max: number) => `There is no task ${n}. Task numbers in this plan run from ${min} to ${max}.`,
    tooLong: (length: number, max: number) => `The message is too long (${length} characters, at most ${max}), so nothing was recorded.`,
    unknownUnit: (name: string, known: string) => `No unit is called "${name}". Units: ${known}`,
    truncated: (n: number) => `… ${n} more lines not shown: the reply was too long. Ask about less at once, e.g. "status 6" or "unit 刑侦大队".`,
    rateLimited: (perMinute: number, seconds: number) =>
      `Too many changes: at most ${perMinute} a minute. Nothing was recorded; please try again in about ${seconds} seconds.`,
    internal: "Sorry, something went wrong while handling that message. It has been logged; please try again or contact the office.",
  },
  /** A damaged database file (issue 22 §5): refused in plain words, pointing to doctor and restore. */
  integrity: {
    /** The chat's reply when a message meets a damaged part of the database: nothing is stored. */
    reply:
      "The database file is damaged, so this message was not handled and nothing was recorded. " +
      "Please tell the office: check it with npx duban doctor, then restore the latest backup with npx duban restore FILE.",
    /** The command line and `npm start`, refusing the file. */
    refused: (file: string, detail: string) =>
      `The database file ${file} is damaged (${detail}). duban will not use it, so nothing more is written into a broken file.\n` +
      `Check it with: npx duban doctor\nThen restore the latest backup with: npx duban restore FILE`,
  },
  help: {
    header: "duban (督办) follows up the plan's tasks. You can say:",
    item: (summary: string, examples: string) => `• ${summary}: ${examples}`,
    footer: "Write as you normally would, in Chinese or English. When the bot is not sure a message is an update, it asks before recording it.",
    plans: (plans: string, example: string) =>
      `Several plans are in progress. Unless this room has a default plan, put the plan's code before the task, e.g. "${example}":\n${plans}`,
  },
  /** The short help's topics (帮助 办结 …) and its closing lines. */
  helpTopics: {
    names: {
      main: "help",
      completion: "completion (办结)",
      extension: "extension (延期)",
      targets: "targets (指标)",
      reports: "reports (报表)",
      admin: "admin (管理)",
    },
    more: "More: help completion · help extension · help targets · help reports · help admin",
    plansShort: (example: string) =>
      `Several plans are in progress: unless this room has a default plan, put the plan's code before the task, e.g. "${example}".`,
    header: (topic: string) => `Help · ${topic}:`,
    back: 'Send "help" for the short help.',
    none: "(no commands)",
  },
  reminders: {
    header: (unit: string, day: string) => `[duban reminder] ${unit} · ${day}`,
    officeHeader: (day: string) => `[duban] For the office · ${day}`,
    section: {
      escalation: (n: number, days: number) => `Escalated (督办升级): overdue for ${days} days or more (${n}):`,
      overdue: (n: number) => `Overdue, please act now (${n}):`,
      due: (n: number) => `Due today (${n}):`,
      before: (n: number) => `Due soon (${n}):`,
      stale: (n: number) => `No progress reported for a long time (${n}):`,
      "report-due": (n: number) => `Monthly progress report requested (${n}):`,
      notice: (n: number) => `Notices (${n}):`,
    },
    escalationItem: (icon: string, n: number, title: string, units: string, days: number) => `${icon} Task ${n} ${title} (${units}) ${days} days overdue`,
    footer: "Post progress: update task N: TEXT 60%",
    footerPlans: (code: string) => `Post progress with the plan's code: ${code} update task N: TEXT 60%`,
    noRoom: (unit: string) => `(${unit} has no room in the directory, so this reminder went to the office.)`,
    unknownDeadline: (n: number, text: string) =>
      `Task ${n}: the deadline "${text}" is not understood, so no reminder is sent for it. Please check it and re-import the plan.`,
    calendarMissing: (year: number) =>
      `The working-day calendar has no holiday data for ${year}; reminders fall back to Monday–Friday. Please upgrade the chinese-days package.`,
    kind: {
      before: "before deadline",
      due: "due today",
      overdue: "overdue",
      escalation: "escalation",
      "report-due": "report request",
      stale: "stale",
      notice: "notice",
    },
    previewHeader: (day: string, time: string, n: number) => `Next run ${day} ${time}: ${n} message(s)`,
    previewItem: (unit: string, kinds: string, numbers: string) => `• ${unit}: ${kinds} — tasks ${numbers}`,
    previewNone: (day: string, time: string) => `Nothing to send at the next run (${day} ${time}).`,
    paused: (n: number, reason: string) => `Reminders for task ${n} are paused. Reason: ${reason}`,
    resumed: (n: number) => `Reminders for task ${n} are resumed.`,
    notPaused: (n: number) => `Reminders for task ${n} were not paused.`,
    needReason: (n: number) => `Please give a reason, e.g. "pause reminders ${n} waiting for the city bureau".`,
    notAdmin: "Only the office's administrators (科技办) may do that.",
    notRunning: "Reminders are not configured in this process.",
  },
  /** Instructions to the reminders that name no task (`提醒先停一下`): the bot asks which tasks. */
  remindersWhich: {
    pause: (reason: string) => `Pause the reminders of which tasks? Name them with the reason, e.g. pause reminders 6, 7 ${reason}`,
    resume: (paused: string) => `Reminders are paused for: ${paused}. Resume which? E.g. resume reminders 6`,
    pausedItem: (n: number, reason: string) => `task ${n} (${reason})`,
    noneResume: "No task has its reminders paused.",
    exampleReason: "waiting for the city bureau",
  },
  completion: {
    done: (n: number, title: string) => `Task ${n} ${title} is completed (办结); no more reminders will be sent for it.`,
    already: (n: number) => `Task ${n} was already completed.`,
  },
  permissions: {
    strangerQuery: (office: string) => `You are not in duban's directory, so I cannot answer queries for you. Please ask the office (${office}) to add you.`,
    strangerChange: (office: string) => `You are not in duban's directory, so nothing was recorded. Please ask the office (${office}) to add you to your unit.`,
    notReporter: (n: number, units: string) =>
      `Only members of task ${n}'s lead or responsible units (${units}) and the office's administrators may post updates on it, so nothing was recorded.`,
    notLead: (n: number, units: string) => `Only members and leaders of task ${n}'s lead units (${units}) may ask for that, so nothing was stored.`,
    adminOnly: (office: string) => `Only the office's administrators (${office}) may do that, so nothing was changed.`,
    notAuthor: (n: number) => `Only the author of that update, or an administrator of the office, may edit or delete it. The update on task ${n} is unchanged.`,
    notSender: "Only the person who sent that message, or an administrator of the office, may edit it. Nothing was changed.",
    auditReaders: "Only the office's administrators and leaders may read the audit trail.",
  },
  review: {
    oneAtATime: "One task per request, please: send a separate message for each task.",
    editIgnored: "Editing a request does not change it. To correct it, send a new request (after the office has decided the open one).",
    unitCompletedDirect: (n: number, title: string, reason: string) => `[duban] The office marked task ${n} ${title} completed (办结). Reason: ${reason}`,
    needNote: (n: number) => `Please say what was done, e.g. "request done ${n} two officers were selected as city digital craftsmen".`,
    alreadyDone: (n: number) => `Task ${n} is already completed.`,
    notDone: (n: number) => `Task ${n} is not completed, so there is nothing to reopen.`,
    alreadyPending: (n: number, kind: string, by: string, at: string) =>
      `Task ${n} already has a pending ${kind} request (${by}, ${at}); wait for the office's decision.`,
    kind: { completion: "completion", extension: "extension" },
    requested: (n: number, title: string) =>
      `Completion request for task ${n} ${title} submitted; it awaits the office's review (待审核). ` +
      `Send evidence (files or images) as a reply to this message or to your request.`,
    officeNotice: (n: number, title: string, who: string, note: string, link: string, plan = "") =>
      `[Completion request] ${plan}Task ${n} ${title}\nRequested by ${who}: ${note}${link ? `\nRequest: ${link}` : ""}` +
      `\nDecide with: ${plan}approve ${n} REASON, or ${plan}reject ${n} REASON`,
    needDecision: (n: number) =>
      `Please say approve or reject, with a reason, e.g. "approve ${n} evidence complete" or "reject ${n} missing the city bureau's document".`,
    needReason: (_n: number, example: string) => `A reason is required, e.g. "${example}". Nothing was changed.`,
    noPending: (n: number, kind: string) => `Task ${n} has no pending ${kind} request.`,
    approved: (n: number, title: string, reason: string) => `Completion of task ${n} ${title} approved; the task is completed. Reason: ${reason}`,
    rejected: (n: number, title: string, reason: string) => `Completion request for task ${n} ${title} sent back. Reason: ${reason}. Reminders resume.`,
    unitApproved: (n: number, title: string, reason: string) => `[duban] The office approved completion of task ${n} ${title}. ${reason}`,
    unitRejected: (n: number, title: string, reason: string) =>
      `[duban] The office sent back the completion request for task ${n} ${title}: ${reason}. Please complete the work and ask again.`,
    completedDirect: (n: number, title: string, reason: string) =>
      `Task ${n} ${title} is completed (办结); no more reminders will be sent for it. Reason: ${reason}`,
    reopened: (n: number, title: string, reason: string) => `Task ${n} ${title} is reopened; reminders resume. Reason: ${reason}`,
    extension: {
      needDecision: (n: number) => `Please say approve or reject, e.g. "approve extension ${n}" or "reject extension ${n} the deadline cannot move".`,
      setUsage: (n: number) => `Please give the new deadline and a reason, e.g. "set deadline ${n} 2025年6月底前 the city bureau moved it".`,
      needDeadline: (n: number) =>
        `Please give the new deadline and a reason, e.g. "request extension ${n} 2025年3月底前 the city bureau postponed its selection".`,
      badDeadline: (text: string) => `I cannot read the deadline "${text}". Write it as the plan does, e.g. 2025年3月底前 or 2025年6月30日前.`,
      notLater: (asked: string, current: string) => `The new deadline ${asked} is not later than the current one (${current}).`,
      requested: (n: number, title: string, deadline: string) =>
        `Extension request for task ${n} ${title} to ${deadline} submitted; it awaits the office's review.`,
      officeNotice: (n: number, title: string, who: string, deadline: string, reason: string, link: string, plan = "") =>
        `[Extension request] ${plan}Task ${n} ${title}: ${who} asks for ${deadline}. Reason: ${reason}${link ? `\nRequest: ${link}` : ""}` +
        `\nDecide with: ${plan}approve extension ${n}, or ${plan}reject extension ${n} REASON`,
      approved: (n: number, original: string, deadline: string) =>
        `Extension of task ${n} approved: originally ${original}, now ${deadline}. Reminders follow the new deadline.`,
      rejected: (n: number, reason: string) => `Extension request for task ${n} sent back. Reason: ${reason}`,
      unitApproved: (n: number, original: string, deadline: string) =>
        `[duban] The office approved the extension of task ${n}: originally ${original}, now ${deadline}.`,
      unitRejected: (n: number, reason: string) => `[duban] The office sent back the extension request for task ${n}: ${reason}`,
      adjusted: (n: number, before: string, after: string, reason: string) => `Deadline of task ${n} changed from ${before} to ${after}. Reason: ${reason}`,
      unitAdjusted: (n: number, after: string, reason: string) => `[duban] The office changed the deadline of task ${n} to ${after}. Reason: ${reason}`,
    },
    units: {
      need: (n: number) => `Please give the new lead units and a reason, e.g. "set lead units ${n} 刑侦大队、网安大队 reorganisation".`,
      unknown: (names: string, known: string) => `Not in the directory: ${names}. Units: ${known}`,
      changed: (n: number, before: string, after: string, reason: string) => `Lead units of task ${n} changed from ${before} to ${after}. Reason: ${reason}`,
    },
  },
  /** Completing a task whose targets are not all met (approve / complete): shown, and confirmed with "confirm" and a reason. */
  completionCheck: {
    /** A completed task's progress line in its status: done, not the last percent reported before. */
    progressDone: "Progress: completed",
    target: (name: string, current: number, count: number, unit: string) => `${name} ${current}/${count}${unit}`,
    unmet: (n: number, targets: string, percent: number | null, example: string) =>
      `Task ${n} has targets not yet met: ${targets}; latest progress: ${percent === null ? "not reported" : `${percent}%`}. ` +
      `To complete it all the same, say "confirm" and a reason, e.g. "${example}". Nothing was changed.`,
    approveExample: (n: number) => `approve ${n} confirm the city bureau accepts the results so far`,
    completeExample: (n: number) => `complete ${n} confirm the city bureau accepts the results so far`,
    acknowledged: (targets: string, percent: number | null) =>
      `Targets not met at completion: ${targets}; latest progress: ${percent === null ? "not reported" : `${percent}%`} (completed on confirmation)`,
  },
  /** A deadline past the plan's end (extension request, its review, set deadline): told, and confirmed with "confirm". */
  pastPlanEnd: {
    refused: (deadline: string, end: string, example: string) =>
      `The new deadline ${deadline} is after the end of the plan's period (${end}). ` +
      `If that is intended, say "confirm", e.g. "${example}". Nothing was changed.`,
    warning: (deadline: string, end: string) => `Note: the deadline ${deadline} is after the end of the plan's period (${end}); confirmed.`,
    requestExample: (n: number, deadline: string) => `request extension ${n} ${deadline} confirm the city bureau postponed it`,
    reviewExample: (n: number) => `approve extension ${n} confirm`,
    setExample: (n: number, deadline: string) => `set deadline ${n} ${deadline} confirm the city bureau moved it`,
  },
  evidence: {
    header: (n: number, count: number) => `Evidence for task ${n} (${count}):`,
    none: (n: number) => `Task ${n} has no evidence yet. Send files as a reply to a completion request.`,
    item: (name: string, size: string, who: string, at: string, sha: string) => `• ${name} (${size}) ${who} ${at} sha256 ${sha}`,
    stored: (n: number, name: string, size: string, sha: string) => `Evidence stored for task ${n}: ${name} (${size}, sha256 ${sha}).`,
    tooBig: (name: string, size: string, max: number) =>
      `${name} is ${size}, over the ${max} MB limit, so it was not stored. Please send a smaller file or ask the office.`,
    notRequester: (n: number) =>
      `Only the requester, members of task ${n}'s lead units or the office's administrators may add evidence, so the file was not stored.`,
    closed: (n: number) => `The request on task ${n} is already decided, so the file was not attached.`,
    failed: (name: string) => `Could not download ${name} from the server, so it was not stored. Please send it again.`,
  },
  audit: {
    header: (n: number, total: number, page: number, pages: number) => `Audit trail of task ${n} (${total} entries, page ${page}/${pages}, newest first):`,
    none: (n: number) => `Task ${n} has no audit entries.`,
    item: (at: string, who: string, action: string, outcome: string, detail: string) => `${at} ${who} ${action}${outcome}${detail ? `: ${detail}` : ""}`,
    refused: " (refused)",
    more: (n: number, next: number) => `Send "audit ${n} page ${next}" for older entries.`,
    actions: {
      update: "update",
      edit: "edit",
      "edit-move": "edit (moved task)",
      retract: "retract",
      "request-completion": "request completion",
      "request-extension": "request extension",
      "approve-completion": "approve completion",
      "reject-completion": "reject completion",
      "approve-extension": "approve extension",
      "reject-extension": "reject extension",
      complete: "complete",
      reopen: "reopen",
      "set-deadline": "change deadline",
      "set-lead-units": "change lead units",
      "pause-reminders": "pause reminders",
      "resume-reminders": "resume reminders",
      "audit-suspect": "list suspect updates",
      "add-evidence": "add evidence",
      "target-confirm": "confirm a target move",
      import: "import plan",
      "directory-bind": "bind user",
      "directory-unbind": "unbind user",
      "directory-bind-room": "bind room",
      "directory-reload": "reload directory",
      "directory-room-member": "member through the unit's room",
    } as Record<string, string>,
  },
  /** Membership from rooms (members_from_room): the office is told who joined or left a unit's room. */
  roomMembers: {
    one: (who: string, unit: string, added: boolean) =>
      added
        ? `[duban] ${who} joined ${unit}'s room and now counts as a member of ${unit}.`
        : `[duban] ${who} left ${unit}'s room and is no longer a member of ${unit}.`,
    header: "[duban] Members counted from the units' rooms have changed:",
    line: (unit: string, added: string, removed: string) =>
      `${unit}: ${[added && `added ${added}`, removed && `removed ${removed}`].filter(Boolean).join("; ")}`,
    names: (names: string[], total: number) => (total > names.length ? `${names.join(", ")} and ${total - names.length} more` : names.join(", ")),
    unbind: (user: string, unit: string) =>
      `${user} is a member of ${unit} because they are in its room; unbinding cannot remove them, so nothing was changed. ` +
      `Remove them from the room, or take members_from_room off ${unit} in the directory file.`,
  },
  /** End-to-end encrypted rooms (issue 24): what the Matrix transport says when a message cannot be decrypted. */
  matrixEncryption: {
    undecryptable: "I could not decrypt this message. Please send it again.",
    sendRefused: (room: string) =>
      `Room ${room} is end-to-end encrypted, and only the running bot may encrypt for it (its crypto store is in use). ` +
      "Let the running bot send this (reminders go out on schedule), or stop it before running this command.",
  },
  directoryChat: {
    bindUsage: "Write it like: bind @zhang:bureau.local 刑侦大队 [member|leader]",
    unbindUsage: "Write it like: unbind @zhang:bureau.local 刑侦大队",
    bindRoomUsage: "Write it like: bind room 刑侦大队",
    unknownUnit: (name: string, known: string) => `No unit is called "${name}". Units: ${known}`,
    invalid: (problems: string) => `That change would make the directory invalid, so nothing was changed: ${problems}`,
    bound: (user: string, unit: string, role: string) => `${user} is now a ${role} of ${unit}.`,
    unbound: (user: string, unit: string) => `${user} is no longer in ${unit}.`,
    notInUnit: (user: string, unit: string) => `${user} is not in ${unit}; nothing was changed.`,
    roomBound: (unit: string) => `This room now belongs to ${unit}; its members' reminders come here.`,
    role: { member: "member", leader: "leader" },
    overlaySkipped: (problems: string) =>
      `[duban] Some directory changes made in chat no longer fit the directory file and are not applied ` +
      `(people removed in chat may have their access back). Please check:\n${problems}`,
    reloadFailed: (file: string, problems: string) =>
      `[duban] The directory file ${file} was changed but does not validate, so the previous directory stays in force:\n${problems}`,
  },
  commands: {
    status: "status of one task",
    overview: "overview of all tasks by traffic light",
    overdue: "tasks past their deadline",
    dueSoon: "tasks due soon",
    unreported: "lead units that have not reported this cycle",
    unit: "tasks led by a unit",
    mine: "tasks led by your unit",
    history: "the updates of a task",
    update: "record progress on a task (a percentage is optional)",
    help: "this help",
    remindersPreview: "what the next reminder run would send",
    pauseReminders: "pause reminders for a task (office admins, with a reason)",
    resumeReminders: "resume reminders for a task (office admins)",
    complete: "mark a task completed (办结; office admins)",
    requestCompletion: "ask the office to approve completion (lead units)",
    reviewCompletion: "approve or reject a completion request (office admins, with a reason)",
    reopen: "reopen a completed task (office admins, with a reason)",
    requestExtension: "ask for a later deadline (lead units)",
    reviewExtension: "approve or reject an extension request (office admins)",
    setDeadline: "change a deadline directly (office admins, with a reason)",
    setTarget: "set a target's count (admins, with a reason)",
    digest: "this week's digest (sent to the office every week on a schedule)",
    scorecard: "unit scorecard: raw figures per unit (reports on time, reminders, overdue days, completions, targets)",
    report: "the yearly, midterm or final review document (.docx)",
    export: "export tasks, updates, targets and the scorecard (xlsx, csv, ics; the complete json dump for admins)",
    chart: "progress chart: lights by section, targets and a burn-down (PNG)",
    addTarget: "add a target (admins, with a reason)",
    removeTarget: "remove a target (admins, with a reason)",
    setLeadUnits: "change a task's lead units (office admins, with a reason)",
    evidence: "the evidence (佐证材料) of a task",
    audit: "a task's audit trail (admins and leaders)",
    bind: "add a person to a unit (office admins)",
    restorePlan: "restore an archived plan (office admins)",
    archivePlan: "archive a plan: no more reminders, out of the overview, history still queryable (office admins)",
    unbind: "remove a person from a unit (office admins)",
    bindRoom: "make this room a unit's room (office admins; the recommended way: say it once in each unit's room)",
    retract: "retract an update: your own latest, or (admins, with a reason) a numbered one",
  },
  /** The command line's own wording (`npx duban …`), where it differs from the chat's. */
  cli: {
    noPlan: "There is no plan in the database yet; import one first: npx duban import FILE",
    noActivePlan: "No plan is in progress (all are archived); name one with --plan CODE",
    planAmbiguous: (plans: string) => `Several plans are in progress; name one with --plan:\n${plans}`,
    planArchived: (code: string) => `Plan "${code}" is archived: it can be queried, not changed`,
  },
};

export type Catalogue = typeof en;
