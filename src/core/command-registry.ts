import type { AnyCommand } from "./command.js";

/** The table of chat commands. Order matters: the first command whose matcher accepts a message handles it. */
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
    if (typeof cmd.match !== "function") problems.push("match must be a function");
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

  /** The first command that accepts the message, with its raw arguments. */
  match(text: string, raw: string): { command: AnyCommand; rawArgs: unknown } | null {
    for (const command of this.list) {
      const rawArgs = command.match(text, raw);
      if (rawArgs !== null && rawArgs !== undefined) return { command, rawArgs };
    }
    return null;
  }
}
