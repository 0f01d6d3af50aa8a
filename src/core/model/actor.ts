/** Who did something (the actor, 操作人), as every audited change records it. */

/** Who did something, for the audit trail: the user, their unit, and where the message came from. */
export interface Actor {
  id: string;
  unit: string | null;
  transport: string;
  room: string | null;
  eventId: string | null;
  /** Who actually typed it, when that is someone else (the operator at the command line acting `--as` an officer). */
  via?: string;
}
