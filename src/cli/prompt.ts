import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";

/** Questions asked one line at a time, on a terminal or from piped input; `null` when the input has ended. */
export interface Prompter {
  ask(question: string, opts?: { secret?: boolean }): Promise<string | null>;
  close(): void;
}

/**
 * A prompter over `input` and `output`: on a terminal, readline edits the line and a secret is not echoed; from a
 * pipe (a script, a test), each question takes the next line. Lines that arrive before their question are kept.
 */
export function linePrompter(input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk, _enc, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input, output: echo, terminal: input.isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    async ask(question, opts = {}) {
      output.write(question);
      if (ended) return null;
      muted = opts.secret === true && input.isTTY === true;
      try {
        const next = await lines.next();
        if (next.done) {
          ended = true;
          return null;
        }
        // A terminal echoes what was typed (a secret excepted); a transcript of piped answers shows them too.
        if (input.isTTY === true) {
          if (muted) output.write("\n");
        } else output.write(opts.secret ? "\n" : `${next.value}\n`);
        return next.value;
      } finally {
        muted = false;
      }
    },
    close() {
      rl.close();
    },
  };
}
