/**
 * Characters that steer a terminal rather than show: C0 controls but tab and newline (ESC starts an ANSI escape,
 * CR rewrites the line), DEL, the C1 controls (U+009B is a one-character CSI) and the bidi overrides, embeddings,
 * isolates and marks that can make a line read in another order than it was written.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this module is for
const STEERING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Text as it may be printed to a terminal: every steering character shown as its `\uXXXX` escape, the rest
 * unchanged: `terminalSafe("任务6\u001b[2J")` → `任务6\u001b[2J` spelled out. The escape is also JSON's,
 * so JSON text stays valid JSON with the same value. Text is stored as sent; only printing escapes it.
 */
export function terminalSafe(text: string): string {
  return text.replace(STEERING, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
