/**
 * Plain range lists: one range a line, `START END`, `START-END` (both half-open) or
 * `START+SIZE`, hex (0x…) or decimal; `#` starts a comment. Also the line splitting every
 * text format shares: LF, CRLF or CR endings.
 */
import { excerpt, MemoryMapError } from "./error.js";
import type { RamRange } from "./map.js";
import { parseAddress, sizedEnd } from "./number.js";
import { addRange, type ParsedRanges } from "./parsed.js";

/** Calls `each` with every line and its 1-based number; LF, CRLF and CR all end a line. */
export function eachRawLine(text: string, each: (line: string, n: number) => void): void {
  let n = 0;
  let from = 0;
  let lf = text.indexOf("\n");
  let cr = text.indexOf("\r");
  for (;;) {
    // Each search resumes past the previous line, so the whole text is scanned once.
    if (lf !== -1 && lf < from) lf = text.indexOf("\n", from);
    if (cr !== -1 && cr < from) cr = text.indexOf("\r", from);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) {
      if (from < text.length || n === 0) each(text.slice(from), ++n);
      return;
    }
    each(text.slice(from, end), ++n);
    from = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
}

/** Calls `each` with the 1-based number and comment-free text of every non-blank line. */
export function eachLine(text: string, each: (line: string, n: number) => void): void {
  eachRawLine(text, (raw, n) => {
    const hash = raw.indexOf("#");
    const line = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (line) each(line, n);
  });
}

/** A number or a MemoryMapError at `line`. */
export function address(token: string, line: number, input: string, bareHex = false): bigint {
  const v = parseAddress(token, bareHex);
  if (typeof v === "string") throw new MemoryMapError(v, { line }, input);
  return v;
}

/** `START+SIZE`, `START-END` or `START END` split into its two numbers, or undefined. */
function splitRange(line: string): { first: string; second: string; sized: boolean } | undefined {
  const plus = line.indexOf("+");
  if (plus >= 0) return { first: line.slice(0, plus), second: line.slice(plus + 1), sized: true };
  const dash = line.indexOf("-");
  if (dash >= 0) return { first: line.slice(0, dash), second: line.slice(dash + 1), sized: false };
  const words = line.split(/\s+/);
  return words.length === 2 ? { first: words[0], second: words[1], sized: false } : undefined;
}

export function parseTextMap(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  eachLine(text, (line, n) => {
    const parts = splitRange(line);
    const bad = () => new MemoryMapError(`expected 'START END' or 'START+SIZE', got '${excerpt(line)}'`, { line: n }, input);
    if (!parts || /\s/.test(parts.first.trim()) || /\s/.test(parts.second.trim()) || !parts.first.trim() || !parts.second.trim()) throw bad();
    const start = address(parts.first, n, input);
    const second = address(parts.second, n, input);
    const end = parts.sized ? sizedEnd(start, second) : second;
    if (typeof end === "string") throw new MemoryMapError(end, { line: n }, input);
    addRange(ranges, { start, end, line: n }, input);
  });
  return { ranges };
}
