import type { RamRange } from "./map.js";

/** What a format parser extracts, before the checks every format shares. */
export interface ParsedRanges {
  ranges: RamRange[];
  /** RAM for the arch caller's coverage check, when the source lists it apart. */
  coverage?: RamRange[];
}
