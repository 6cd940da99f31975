/**
 * A memory map: the RAM ranges a platform reports, in bytes, half-open [start, end),
 * in the order the source lists them (order matters to Xen: ranges are registered as
 * they come, and offset mode's merges depend on it).
 */
import { type ArchProfile } from "../arch.js";
import { hex } from "../pdx/bits.js";
import { MemoryMapError } from "./error.js";

export interface RamRange {
  readonly start: bigint;
  readonly end: bigint;
  /** 1-based line in the source text, when it came from text. */
  readonly line?: number;
  /** JSON field path, when it came from JSON. */
  readonly field?: string;
  /** e.g. the NUMA node of an SRAT entry. */
  readonly label?: string;
}

export type MapFormat = "json" | "text" | "xen-log" | "linux-e820" | "linux-srat" | "iomem" | "dts";

export interface MemoryMap {
  /** What the input is called in messages (a file name, or "memory map"). */
  readonly name: string;
  readonly format: MapFormat;
  /** The ranges PDX setup registers (on x86: the SRAT memory affinity entries). */
  readonly ranges: readonly RamRange[];
  /**
   * RAM the arch caller checks for coverage after setup (on x86: E820 RAM). The same as
   * `ranges` unless the source gave both, e.g. a Xen boot log with E820 and SRAT lines.
   */
  readonly coverage: readonly RamRange[];
  /** Accepted oddities, each saying what Xen does with them. */
  readonly warnings: readonly string[];
}

const where = (r: RamRange) => ({ line: r.line, field: r.field });
const describe = (r: RamRange) => `[${hex(r.start)}, ${hex(r.end)})`;

/** Rejects what Xen could not use; returns warnings for what it silently adjusts. */
export function checkRanges(name: string, ranges: readonly RamRange[], arch?: ArchProfile): string[] {
  if (ranges.length === 0) throw new MemoryMapError("no RAM ranges found", {}, name);
  for (const r of ranges) {
    if (r.end <= r.start) throw new MemoryMapError(`end ${hex(r.end)} is not above start ${hex(r.start)}`, where(r), name);
    if (r.end > 1n << 64n) throw new MemoryMapError(`end ${hex(r.end)} does not fit in 64 bits`, where(r), name);
    if (arch && r.end > 1n << BigInt(arch.physAddrBits))
      throw new MemoryMapError(`range ${describe(r)} ends above the ${arch.physAddrBits}-bit physical address space of ${arch.name}`, where(r), name);
  }
  if (arch && ranges.length > arch.maxPfnRanges)
    throw new MemoryMapError(`${ranges.length} ranges exceed MAX_PFN_RANGES = ${arch.maxPfnRanges} on ${arch.name} (Xen would not compress)`, {}, name);

  const warnings: string[] = [];
  const pageMask = (1n << BigInt(arch?.pageShift ?? 12)) - 1n;
  for (const r of ranges) {
    if ((r.start & pageMask) !== 0n || (r.end & pageMask) !== 0n) {
      const at = r.line !== undefined ? `line ${r.line}` : r.field ?? describe(r);
      warnings.push(`${at}: ${describe(r)} is not page-aligned; Xen registers it with the start rounded down and the end rounded up to pages`);
    }
  }
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end)
      warnings.push(`${describe(sorted[i - 1])} and ${describe(sorted[i])} overlap; mask setup ORs them independently, offset setup merges them (a range inside another shrinks it, research/pdx.md §4.5)`);
  }
  return warnings;
}

/** Builds a checked map; `coverage` defaults to the ranges themselves. */
export function makeMemoryMap(name: string, format: MapFormat, ranges: RamRange[], arch?: ArchProfile, coverage?: RamRange[]): MemoryMap {
  const warnings = checkRanges(name, ranges, arch);
  if (coverage && coverage !== ranges) checkRanges(name, coverage, arch);
  return { name, format, ranges, coverage: coverage ?? ranges, warnings };
}
