import type { AnyCommand } from "./command.js";

/** The table of chat commands. The interpreter reads their cues; order breaks ties between commands of one kind. */
export class CommandRegistry {
  private readonly list: AnyCommand[] = [];

  constructor(commands: readonly AnyCommand[] = []) {
    for (const c of commands) this.register(c);
  }

  /** Add a command; rejects a malformed one or a duplicate name. */
  register(cmd: AnyCommand): void {
    const problems: string[] = [];
    if (!cmd || typeof cmd !== "object") throw new Error("command must be an object");
    if (typeof cmd.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(cmd.name)) problems.push("name must be kebab-case");
    const kinds = ["update", "task-query", "list-query", "unit-query", "task-command", "directive"];
    if (!cmd.cues || !kinds.includes(cmd.cues.kind)) problems.push(`cues.kind must be one of ${kinds.join(", ")}`);
    else if (cmd.cues.kind === "list-query" && cmd.cues.words.length === 0) problems.push("a list query must declare cue words");
    else if ((cmd.cues.kind === "task-command" || cmd.cues.kind === "directive") && cmd.cues.prefixes.length === 0)
      problems.push(`a ${cmd.cues.kind} must declare prefixes`);
    if (cmd.cues?.kind === "update" && typeof cmd.confirmed !== "function") problems.push("an update command must say how to record a confirmed update");
    if (cmd.access !== undefined && !["open", "query", "change"].includes(cmd.access)) problems.push("access must be open, query or change");
    if (typeof cmd.handle !== "function") problems.push("handle must be a function");
    if (!cmd.args || typeof (cmd.args as { safeParse?: unknown }).safeParse !== "function") problems.push("args must be a zod schema");
    if (!Array.isArray(cmd.examples) || cmd.examples.length === 0) problems.push("examples must list at least one phrasing");
    if (problems.length > 0) throw new Error(`command ${String(cmd.name)}: ${problems.join("; ")}`);
    if (this.list.some((c) => c.name === cmd.name)) throw new Error(`duplicate command name: ${cmd.name}`);
    this.list.push(cmd);
  }

  get commands(): readonly AnyCommand[] {
    return this.list;
  }
}
