import type { ArchHint } from "./arch-hint.js";
import type { MapFormat, RamRange } from "./map.js";

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
