/**
 * JSON maps: `{"ranges": [["0x0", "0x80000000"], {"start": …, "end": …}, {"start": …, "size": …}]}`
 * (a bare array of ranges is accepted too). Values are hex or decimal strings, or
 * integers small enough to be exact in a JS number.
 */
import { excerpt, MemoryMapError } from "./error.js";
import { MAX_MAP_RANGES, type RamRange } from "./map.js";
import { parseAddress, sizedEnd } from "./number.js";
import type { ParsedRanges } from "./parsed.js";

/** A map at its 2^20-range limit is well under this; JSON.parse needs about 10× the text in memory. */
const MAX_JSON_CHARS = 128 << 20;

/** A short, bounded description of any JSON value (JSON.stringify of a deeply nested one overflows the stack). */
function preview(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length} value${v.length === 1 ? "" : "s"}`;
  if (v && typeof v === "object") return `an object with keys ${excerpt(Object.keys(v).join(", "), 60) || "(none)"}`;
  return excerpt(JSON.stringify(v) ?? String(v));
}

/** The value at `range` + `key` (e.g. `ranges[3]` + `.start`); the path is only spelled out in an error. */
function value(v: unknown, range: string, key: string, input: string): bigint {
  const fail = (rule: string) => new MemoryMapError(rule, { field: range + key }, input);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) throw fail(`${v} is not an exact non-negative integer; write large values as hex strings`);
    return BigInt(v);
  }
  if (typeof v !== "string") throw fail(`expected a hex or decimal string, got ${preview(v)}`);
  const parsed = parseAddress(v);
  if (typeof parsed === "string") throw fail(parsed);
  return parsed;
}

function range(entry: unknown, field: string, input: string): RamRange {
  if (Array.isArray(entry)) {
    if (entry.length !== 2) throw new MemoryMapError(`a range array needs exactly [start, end], got ${entry.length} values`, { field }, input);
    return { start: value(entry[0], field, "[0]", input), end: value(entry[1], field, "[1]", input), field };
  }
  if (entry && typeof entry === "object") {
    const o = entry as Record<string, unknown>;
    if (!("start" in o)) throw new MemoryMapError("a range object needs 'start'", { field }, input);
    const start = value(o.start, field, ".start", input);
    if ("end" in o) return { start, end: value(o.end, field, ".end", input), field, label: typeof o.label === "string" ? excerpt(o.label) : undefined };
    if ("size" in o) {
      const end = sizedEnd(start, value(o.size, field, ".size", input));
      if (typeof end === "string") throw new MemoryMapError(end, { field }, input);
      return { start, end, field, label: typeof o.label === "string" ? excerpt(o.label) : undefined };
    }
    throw new MemoryMapError("a range object needs 'end' or 'size'", { field }, input);
  }
  throw new MemoryMapError(`a range is [start, end] or {start, end|size}, got ${preview(entry)}`, { field }, input);
}

export function parseJsonMap(text: string, input: string): ParsedRanges {
  if (text.length > MAX_JSON_CHARS) throw new MemoryMapError(`a JSON map over ${MAX_JSON_CHARS >> 20} Mi characters is refused: parsing it takes about ten times that in memory`, {}, input);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MemoryMapError(`not valid JSON (${excerpt((e as Error).message)})`, {}, input);
  }
  const list = Array.isArray(doc) ? doc : (doc as { ranges?: unknown } | null)?.ranges;
  if (!Array.isArray(list)) throw new MemoryMapError("expected an object with a 'ranges' array", { field: "ranges" }, input);
  if (list.length > MAX_MAP_RANGES) throw new MemoryMapError(`${list.length} ranges; a map holds at most ${MAX_MAP_RANGES}`, { field: "ranges" }, input);
  return { ranges: list.map((entry, i) => range(entry, `ranges[${i}]`, input)) };
}
