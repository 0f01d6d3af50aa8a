import type { Interpretation } from "./interpreter/interpret.js";

/** One message to send back: plain text plus a safe HTML form (Matrix `formatted_body`). */
export interface Reply {
  text: string;
  html: string;
  /** User ids to mention (Matrix pills), for reminders and escalations. */
  mentions?: string[];
}

/** What a handler produced: replies, and optionally a reaction on the triggering message. */
export interface HandlerResult {
  replies: Reply[];
  reaction?: string;
  /** The command declined the message after all (chatter in a group room); treat it as unmatched. */
  ignored?: boolean;
  /** Messages for other rooms (the office's room, the lead units' rooms), sent by the transport after the replies. */
  notices?: Notice[];
  /** What the interpreter made of the message (for tests, `explain` and logs; transports ignore it). */
  interpretation?: Interpretation;
}

/** A message for other rooms than the one the command came from. */
export interface Notice {
  rooms: string[];
  reply: Reply;
}

/** Escape text for HTML: `escapeHtml("<b>x</b>")` → "&lt;b&gt;x&lt;/b&gt;". */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Build a reply from lines of plain text. The HTML form escapes every line, so user
 * text can never inject markup; only the optional first-line heading is bolded.
 */
export function reply(lines: string[], opts: { heading?: boolean; mentions?: string[] } = {}): Reply {
  const text = lines.join("\n");
  const html = lines
    .map((line, i) => (i === 0 && opts.heading ? `<b>${escapeHtml(line)}</b>` : escapeHtml(line)))
    .join("<br>\n");
  return opts.mentions && opts.mentions.length > 0 ? { text, html, mentions: opts.mentions } : { text, html };
}

/** Shorthand for a one-reply result. */
export function result(...replies: Reply[]): HandlerResult {
  return { replies };
}
