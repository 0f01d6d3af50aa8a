import type { RoomMembership } from "../directory/directory.js";
import type { PlanRecord } from "./model.js";

/** One message from any transport, the single entry point into the core. What the bot adds is in `Message`. */
export interface Inbound {
  transport: string; // console | cli | matrix
  kind?: "message" | "edit" | "redaction" | "reaction" | "file" | "membership"; // default message
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
  /**
   * The bot's own message this one is a reply to (Matrix `m.in_reply_to`), when the transport can read it: a reply to
   * the bot's reminder or status answer about task N is about task N although it names none (issue 25).
   */
  replyTo?: { eventId?: string; text: string };
  /** A link to this message that others can open (Matrix: a matrix.to permalink), when the transport has one. */
  link?: string;
  /** For kind "file": the file sent, fetched only if it is kept. `targetEventId` is the message it replies to. */
  file?: InboundFile;
  /**
   * For kind "membership": who joined or left rooms (`sender` is the person, or the bot for a whole room's list). The
   * core decides what it means (members_from_room); the transport only reports it, never about the bot itself.
   */
  membership?: RoomMembership[];
}

/** A file or image sent in chat (佐证材料), with a way to download it from the chat server. */
export interface InboundFile {
  name: string;
  mimeType: string;
  /** The size the client declared, if any; the downloaded size is what is recorded. */
  size: number | null;
  fetch(): Promise<Uint8Array>;
}

/**
 * A message as the core sees it once the plan-code stage has read it (src/core/pipeline/plan-code.ts): its plan code
 * taken out of `text`, and every plan read once. Only the bot makes one, so a transport cannot set these fields.
 */
export type Message = Inbound & {
  /** The plan code the text was addressed with (`科技兴警 任务6`), already taken out of `text`; null when none. */
  readonly planCode: string | null;
  /** Every plan, read once for the message (archived ones included). */
  readonly plans: readonly PlanRecord[];
};
