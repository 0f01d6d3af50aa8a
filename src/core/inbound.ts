/** One message from any transport, the single entry point into the core. */
export interface Inbound {
  transport: string; // console | cli | matrix | slack
  kind?: "message" | "edit" | "redaction" | "reaction"; // default message
  eventId?: string;
  /** For edits, redactions and reactions: the event id of the original message (for a reaction on the bot's question, the message it asked about). */
  targetEventId?: string;
  room: string;
  sender: string;
  text: string;
  /** Direct chat or console: an unrecognised message gets a short hint. */
  isDirect: boolean;
  /** The message mentions the bot, so in a group room it is addressed to us. */
  mentionsBot: boolean;
}
