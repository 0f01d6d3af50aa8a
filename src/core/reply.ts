import type { Interpretation } from "./interpreter/interpretation.js";

/** One message to send back: plain text plus a safe HTML form (Matrix `formatted_body`). */
export interface Reply {
  text: string;
  html: string;
  /** User ids to mention (Matrix pills), for reminders and escalations. */
  mentions?: string[];
  /** The key of the pending question this message asks (a target request in a lead unit's room): a 👍 on it answers that. */
  asks?: string;
}

/** What a handler produced: replies, and optionally a reaction on the triggering message. */
export interface HandlerResult {
  replies: Reply[];
  reaction?: string;
  /** The command declined the message after all (chatter in a group room); treat it as unmatched. */
  ignored?: boolean;
  /** Messages for other rooms (the office's room, the lead units' rooms), sent by the transport after the replies. */
  notices?: Notice[];
  /** Files to send to the room after the replies: an export, a report, a chart. */
  files?: OutboundFile[];
  /** What the interpreter made of the message (for tests, `explain` and logs; transports ignore it). */
  interpretation?: Interpretation;
  /** The bot could not handle the message (an internal error, a damaged database): `say` exits non-zero. */
  failed?: boolean;
}

/**
 * A file a command produced. On Matrix it is uploaded and sent as `m.file` (or `m.image`); the console writes it
 * to disk and prints the path.
 */
export interface OutboundFile {
  name: string;
  mimeType: string;
  data: Buffer;
  kind: "file" | "image";
  /** Pixel size, for images. */
  width?: number;
  height?: number;
}

/** A message for other rooms than the one the command came from. */
export interface Notice {
  rooms: string[];
  reply: Reply;
}

const HTML_SPECIAL = /[&<>"']/;
const NEWLINE = /\n/g;
const BR = "<br>\n";

/** Escape text for HTML: `escapeHtml("<b>x</b>")` → "&lt;b&gt;x&lt;/b&gt;". */
export function escapeHtml(text: string): string {
  // Most lines have nothing to escape (a reminder run renders some 66,000 at 100,000 tasks): they are returned as
  // they are, without five passes and five copies each.
  if (!HTML_SPECIAL.test(text)) return text;
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Build a reply from lines of plain text. The HTML form escapes every line, so user
 * text can never inject markup; only the optional first-line heading is bolded.
 */
export function reply(lines: string[], opts: { heading?: boolean; mentions?: string[] } = {}): Reply {
  const text = lines.join("\n");
  // Escaped whole, not line by line: a reminder to a unit with many tasks has hundreds of lines. A line break inside
  // a line is a break in the HTML too.
  const head = opts.heading && lines.length > 0 ? lines[0]! : null;
  const body = head === null ? text : text.slice(head.length + 1);
  const html =
    (head === null ? "" : `<b>${escapeHtml(head).replace(NEWLINE, BR)}</b>${lines.length > 1 ? BR : ""}`) +
    (head === null || lines.length > 1 ? escapeHtml(body).replace(NEWLINE, BR) : "");
  return opts.mentions && opts.mentions.length > 0 ? { text, html, mentions: opts.mentions } : { text, html };
}

/** Shorthand for a one-reply result. */
export function result(...replies: Reply[]): HandlerResult {
  return { replies };
}

/** Matrix refuses events over 65,536 bytes; a reply's text and HTML each stay under this many UTF-8 bytes. */
export const MAX_REPLY_BYTES = 28_000;

/**
 * Keep a reply within `maxBytes` (text and HTML each): whole lines are kept from the top and the rest
 * is replaced by `hint(omitted)`, so a huge list never exceeds what the chat server accepts.
 */
export function boundReply(r: Reply, hint: (omitted: number) => string, maxBytes = MAX_REPLY_BYTES): Reply {
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  if (bytes(r.text) <= maxBytes && bytes(r.html) <= maxBytes) return r;
  const textLines = r.text.split("\n");
  const htmlLines = r.html.split("<br>\n");
  // Lines pair up one to one (see reply()); otherwise fall back to cutting text alone.
  const paired = textLines.length === htmlLines.length;
  let kept = 0;
  let t = 0;
  let h = 0;
  const reserve = 400; // room for the hint line
  while (kept < textLines.length) {
    const dt = bytes(textLines[kept]!) + 1;
    const dh = paired ? bytes(htmlLines[kept]!) + 5 : 0;
    if (t + dt > maxBytes - reserve || h + dh > maxBytes - reserve) break;
    t += dt;
    h += dh;
    kept++;
  }
  kept = Math.max(1, kept);
  const note = hint(textLines.length - kept);
  const text = [...textLines.slice(0, kept), note].join("\n");
  const html = paired ? [...htmlLines.slice(0, kept), escapeHtml(note)].join("<br>\n") : escapeHtml(text).replace(/\n/g, "<br>\n");
  return { ...r, text, html };
}
