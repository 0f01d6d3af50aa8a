/**
 * The env file (`/etc/duban/duban.env`): `KEY=value` lines with `#` comments, as systemd's EnvironmentFile and
 * the bundle's loader read it. `duban init` reads it back and rewrites only the keys it changes, in place, keeping
 * every other line and comment as the operator left them.
 */

/** One setting `duban init` writes: a null value removes the key; `comment` heads a key that is new to the file. */
export interface EnvChange {
  key: string;
  value: string | null;
  comment?: string;
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;

/** A value after `KEY=` as systemd reads it: surrounding quotes taken off, and `\"` `\\` `\$` `` \` `` unescaped inside double quotes. */
export function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** A value as written after `KEY=`: bare when it is plain, else in double quotes: `envValue("a b")` → `"a b"`. */
export function envValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error("an env file value cannot hold a line break");
  if (/^[A-Za-z0-9_@:/.,+\-=~%!^*?[\]{}]*$/.test(value)) return value;
  return `"${value.replace(/(["\\$`])/g, "\\$1")}"`;
}

/** The settings in an env file's text: `parseEnvText("A=1\n# c\nB=\"x y\"")` → `{ A: "1", B: "x y" }`. */
export function parseEnvText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE.exec(line);
    if (m) out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

/**
 * The text with `changes` applied: a key already in the file keeps its line's place (and the comments around it),
 * a new key is appended under its comment, a null value removes the key's line. Other lines are kept as they are.
 */
export function updateEnvText(text: string, changes: readonly EnvChange[]): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split(/\r?\n/);
  const wanted = new Map(changes.map((c) => [c.key, c] as const));
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s*#/.test(line) ? null : LINE.exec(line);
    const change = m ? wanted.get(m[1]!) : undefined;
    if (!change) {
      out.push(line);
      continue;
    }
    if (done.has(change.key)) continue;
    done.add(change.key);
    if (change.value !== null) out.push(`${change.key}=${envValue(change.value)}`);
  }
  for (const c of changes) {
    if (done.has(c.key) || c.value === null) continue;
    if (c.comment) for (const l of c.comment.split("\n")) out.push(`# ${l}`);
    out.push(`${c.key}=${envValue(c.value)}`);
  }
  return `${out.join("\n")}\n`;
}
