/** The log of chat events (消息事件) already handled, which makes a redelivered event harmless. */

/** Chat events already handled, so a redelivered event is not acted on twice. */
export interface EventLog {
  seen(eventId: string): Promise<boolean>;
  markHandled(eventId: string, room: string, at: Date): Promise<void>;
  /** Forget events handled before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
