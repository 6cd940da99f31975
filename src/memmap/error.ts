import { XenmmError } from "../errors.js";

/** Where in the input a problem is: a 1-based line of text, or a JSON field path. */
export interface InputLocation {
  line?: number;
  field?: string;
}

/** At most this many characters of user text are quoted in a message. */
const QUOTE_LIMIT = 120;

/** `text` cut to a length a message can quote (a 100 MB line is not echoed whole). */
export function excerpt(text: string, limit = QUOTE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/**
 * A memory map that cannot be used. The message names the input, the line or field and
 * the rule broken, e.g. `map.txt line 3: end 0x1000 is not above start 0x2000`.
 */
export class MemoryMapError extends XenmmError {
  override name = "MemoryMapError";
  constructor(readonly rule: string, readonly where: InputLocation = {}, readonly input = "memory map") {
    // Rules quote excerpts already; the cap keeps one line even when a rule quotes a name or field path.
    super(`${excerpt(input, 300)}${where.line !== undefined ? ` line ${where.line}` : ""}${where.field ? ` field ${excerpt(where.field)}` : ""}: ${excerpt(rule.replace(/[\r\n]+/g, " "), 400)}`);
  }
}
