/**
 * Plain range lists: one range a line, `START END`, `START-END` (both half-open) or
 * `START+SIZE`, hex (0x…) or decimal; `#` starts a comment.
 */
import { MemoryMapError } from "./error.js";
import type { RamRange } from "./map.js";
import { parseAddress } from "./number.js";
import type { ParsedRanges } from "./parsed.js";

/** Calls `each` with the 1-based number and comment-free text of every non-blank line. */
export function eachLine(text: string, each: (line: string, n: number) => void): void {
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line) each(line, i + 1);
  });
}

/** A number or a MemoryMapError at `line`. */
export function address(token: string, line: number, input: string, bareHex = false): bigint {
  const v = parseAddress(token, bareHex);
  if (typeof v === "string") throw new MemoryMapError(v, { line }, input);
  return v;
}

export function parseTextMap(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  eachLine(text, (line, n) => {
    const sized = /^(\S+)\s*\+\s*(\S+)$/.exec(line);
    if (sized) {
      const start = address(sized[1], n, input);
      ranges.push({ start, end: start + address(sized[2], n, input), line: n });
      return;
    }
    const pair = /^(\S+?)(?:\s*-\s*|\s+)(\S+)$/.exec(line);
    if (!pair) throw new MemoryMapError(`expected 'START END' or 'START+SIZE', got '${line}'`, { line: n }, input);
    ranges.push({ start: address(pair[1], n, input), end: address(pair[2], n, input), line: n });
  });
  return { ranges };
}
