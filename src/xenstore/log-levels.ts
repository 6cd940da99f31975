/** The server's log levels, most severe first: `--log-level X` prints X and everything before it. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
