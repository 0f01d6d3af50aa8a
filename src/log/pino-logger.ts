import pino from "pino";
import type { Logger } from "./logger.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process logger: pino, one JSON object per line on stderr, with the level as a word
 * (`{"level":"info","time":…,"msg":"stopped",…}`). Message bodies are logged only at `debug`.
 */
export function createLogger(level: LogLevel = "info", destination: number = 2): Logger {
  const p = pino(
    {
      level,
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous, so nothing logged just before an exit is lost.
    pino.destination({ fd: destination, sync: true }),
  );
  return {
    debug: (msg, ctx) => p.debug(ctx ?? {}, msg),
    info: (msg, ctx) => p.info(ctx ?? {}, msg),
    warn: (msg, ctx) => p.warn(ctx ?? {}, msg),
    error: (msg, ctx) => p.error(ctx ?? {}, msg),
  };
}
