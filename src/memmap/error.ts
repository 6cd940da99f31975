import { XenmmError } from "../errors.js";

/** Where in the input a problem is: a 1-based line of text, or a JSON field path. */
export interface InputLocation {
  line?: number;
  field?: string;
}

/**
 * A memory map that cannot be used. The message names the input, the line or field and
 * the rule broken, e.g. `map.txt line 3: end 0x1000 is not above start 0x2000`.
 */
export class MemoryMapError extends XenmmError {
  override name = "MemoryMapError";
  constructor(readonly rule: string, readonly where: InputLocation = {}, readonly input = "memory map") {
    super(`${input}${where.line !== undefined ? ` line ${where.line}` : ""}${where.field ? ` field ${where.field}` : ""}: ${rule}`);
  }
}
