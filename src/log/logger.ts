/** Where the bot's parts write what happened; the process logger (pino-logger.ts) and tests implement it. */
export interface Logger {
  /** Message bodies and other user text go here only: operators run at `info`. */
  debug?(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

/** A logger that drops everything (when none is given). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
