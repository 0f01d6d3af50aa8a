import type { PlanRecord } from "./model.js";

/** One message from any transport, the single entry point into the core. */
export interface Inbound {
  transport: string; // console | cli | matrix | slack
  kind?: "message" | "edit" | "redaction" | "reaction" | "file"; // default message
  eventId?: string;
  /** For edits, redactions and reactions: the event id of the original message (for a reaction on the bot's question, the message it asked about). */
  targetEventId?: string;
  /** For edits: who sent the original message, when the transport knows (Matrix lets anyone send an edit event). */
  targetSender?: string;
  room: string;
  sender: string;
  text: string;
  /** Direct chat or console: an unrecognised message gets a short hint. */
  isDirect: boolean;
  /** The message mentions the bot, so in a group room it is addressed to us. */
  mentionsBot: boolean;
  /** A link to this message that others can open (Matrix: a matrix.to permalink), when the transport has one. */
  link?: string;
  /** Set by the bot, not by transports: the plan code the text was addressed with, already taken out of `text`. */
  planCode?: string | null;
  /** Set by the bot, not by transports: every plan, read once for the message (archived ones included). */
  plans?: readonly PlanRecord[];
  /** For kind "file": the file sent, fetched only if it is kept. `targetEventId` is the message it replies to. */
  file?: InboundFile;
}

/** A file or image sent in chat (佐证材料), with a way to download it from the chat server. */
export interface InboundFile {
  name: string;
  mimeType: string;
  /** The size the client declared, if any; the downloaded size is what is recorded. */
  size: number | null;
  fetch(): Promise<Uint8Array>;
}
