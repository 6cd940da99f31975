import type { ArchHint } from "./arch-hint.js";
import { MemoryMapError } from "./error.js";
import { MAX_MAP_RANGES, type MapFormat, type RamRange } from "./map.js";

/** What a format parser extracts, before the checks every format shares. */
export interface ParsedRanges {
  ranges: RamRange[];
  /** RAM for the arch caller's coverage check, when the source lists it apart. */
  coverage?: RamRange[];
  /** The precise format, when one parser reads several (a boot log: Xen, SRAT, e820 or node lines). */
  format?: MapFormat;
  /** The board or system name the input gives (`Machine model:`, `DMI:`). */
  machine?: string;
  archHint?: ArchHint;
}

/** Appends `r`, refusing as soon as a list passes what a map may hold, so a huge input never fills memory first. */
export function addRange(list: RamRange[], r: RamRange, input: string): void {
  if (list.length >= MAX_MAP_RANGES) throw new MemoryMapError(`more than ${MAX_MAP_RANGES} RAM ranges; no firmware reports that many`, { line: r.line, field: r.field }, input);
  list.push(r);
}
