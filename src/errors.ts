/**
 * Base class of every error that bad *input* can cause (a map file, a CLI flag, a
 * wire message). The CLI prints `message` and exits 2 for these; anything else is a
 * bug and keeps its stack trace.
 */
export class XenmmError extends Error {
  override name = "XenmmError";
}

/** A command-line flag or argument is missing, unknown or out of range. */
export class UsageError extends XenmmError {
  override name = "UsageError";
}

/**
 * A value passed to a library function has the wrong type or is outside what the function
 * can represent (a negative PFN, a bigint of 65 bits, NaN as a duration). `argument` names it.
 */
export class InvalidArgumentError extends XenmmError {
  override name = "InvalidArgumentError";
  constructor(readonly argument: string, rule: string) {
    super(`${argument}: ${rule}`);
  }
}
