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

/** `text` with control characters other than tab (newlines, escapes) written as `\xNN`. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * A memory map that cannot be used. The message names the input, the line or field and
 * the rule broken, e.g. `map.txt line 3: end 0x1000 is not above start 0x2000`.
 */
export class MemoryMapError extends XenmmError {
  override name = "MemoryMapError";
  constructor(readonly rule: string, readonly where: InputLocation = {}, readonly input = "memory map") {
    // Rules quote excerpts already; the caps keep a name or field path short, and escaping
    // control characters keeps the message one line that cannot drive the terminal.
    super(printable(`${excerpt(input, 300)}${where.line !== undefined ? ` line ${where.line}` : ""}${where.field ? ` field ${excerpt(where.field)}` : ""}: ${excerpt(rule, 400)}`));
  }
}
