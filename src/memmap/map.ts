/**
 * A memory map: the RAM ranges a platform reports, in bytes, half-open [start, end),
 * in the order the source lists them (order matters to Xen: ranges are registered as
 * they come, and offset mode's merges depend on it).
 */
import { type ArchProfile } from "../arch.js";
import { checkArchProfile } from "../arch-check.js";
import { InvalidArgumentError } from "../errors.js";
import { oneOf } from "../options.js";
import { describeValue, hex, naturalOrReason, type U64Input } from "../u64.js";
import type { ArchHint } from "./arch-hint.js";
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
  /** NUMA node, where the source says (SRAT, `node N:` lines). */
  readonly node?: number;
}

export type MapFormat = "json" | "text" | "xen-log" | "linux-e820" | "linux-srat" | "linux-nodes" | "iomem" | "sysfs-memmap" | "dts";

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
  /** The board or system the input names (`Machine model:`, `DMI:`), when it does. */
  readonly machine?: string;
  /** The architecture the input's content identifies, when it does. */
  readonly archHint?: ArchHint;
}

/** Maps makeMemoryMap built (or checkMemoryMap passed): setup trusts these. */
const madeMaps = new WeakSet<MemoryMap>();

const where = (r: RamRange) => ({ line: r.line, field: r.field });
const describe = (r: RamRange) => `[${hex(r.start)}, ${hex(r.end)})`;

/** A range as callers may give it: starts and ends follow the API's integer rule (src/u64.ts). */
export interface RamRangeInput extends Omit<RamRange, "start" | "end"> {
  readonly start: U64Input;
  readonly end: U64Input;
}

/** Every MapFormat, listed through a Record so that a new format cannot be left out. */
const FORMAT_SET: Record<MapFormat, true> = {
  json: true, text: true, "xen-log": true, "linux-e820": true, "linux-srat": true, "linux-nodes": true, iomem: true, "sysfs-memmap": true, dts: true,
};
export const MAP_FORMATS = Object.keys(FORMAT_SET) as readonly MapFormat[];

/** A range with bigint bounds; checkRanges then applies the 64-bit and ordering rules. */
function toRamRange(r: RamRangeInput, index: number, name: string): RamRange {
  if (r === null || typeof r !== "object") throw new MemoryMapError(`range ${index} is ${describeValue(r)}, not a {start, end} object`, {}, name);
  const at = r.line === undefined && r.field === undefined ? { field: `ranges[${index}]` } : { line: r.line, field: r.field };
  const start = naturalOrReason(r.start);
  if (typeof start === "string") throw new MemoryMapError(`start: ${start}`, at, name);
  const end = naturalOrReason(r.end);
  if (typeof end === "string") throw new MemoryMapError(`end: ${end}`, at, name);
  return start === r.start && end === r.end ? (r as RamRange) : { ...r, start, end };
}

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
      warnings.push(`${describe(sorted[i - 1])} and ${describe(sorted[i])} overlap; mask setup ORs them independently, offset setup merges them (a range inside another shrinks it, docs/notes/pdx.md §4.5)`);
  }
  return warnings;
}

/** More ranges than any firmware reports (E820 and SRAT tables hold at most thousands). */
export const MAX_MAP_RANGES = 1 << 20;

function toRamRanges(name: string, ranges: readonly RamRangeInput[], what: string): RamRange[] {
  if (!Array.isArray(ranges) || ranges.length > MAX_MAP_RANGES)
    throw new MemoryMapError(`${what} must be an array of at most ${MAX_MAP_RANGES} {start, end}, got ${describeValue(ranges)}`, {}, name);
  // An index loop, not map(): a hole in a sparse array is a bad range, not a skipped one.
  const out: RamRange[] = [];
  for (let i = 0; i < ranges.length; i++) out.push(toRamRange(ranges[i], i, name));
  return out;
}

/** Builds a checked map; `coverage` defaults to the ranges themselves. */
export function makeMemoryMap(name: string, format: MapFormat, rangeInputs: readonly RamRangeInput[], arch?: ArchProfile, coverageInputs?: readonly RamRangeInput[]): MemoryMap {
  if (typeof name !== "string") throw new InvalidArgumentError("makeMemoryMap(name)", `expected a string, got ${describeValue(name)}`);
  oneOf("makeMemoryMap(format)", format, MAP_FORMATS);
  const checkedArch = arch === undefined ? undefined : checkArchProfile("makeMemoryMap(arch)", arch);
  const ranges = toRamRanges(name, rangeInputs, "ranges");
  const warnings = checkRanges(name, ranges, checkedArch);
  const coverage = coverageInputs === undefined || coverageInputs === rangeInputs ? ranges : toRamRanges(name, coverageInputs, "coverage");
  if (coverage !== ranges) checkRanges(name, coverage, checkedArch);
  const map = { name, format, ranges, coverage, warnings };
  madeMaps.add(map);
  return map;
}

/** A map from anywhere (setup's input): re-checked unless makeMemoryMap built it. */
export function checkMemoryMap(map: MemoryMap): MemoryMap {
  if (madeMaps.has(map)) return map;
  if (map === null || typeof map !== "object" || !Array.isArray(map.coverage) || !Array.isArray(map.warnings))
    throw new InvalidArgumentError("map", `expected a MemoryMap (from makeMemoryMap or parseMemoryMap), got ${describeValue(map)}`);
  const made = makeMemoryMap(map.name, map.format, map.ranges, undefined, map.coverage);
  if (made.ranges.some((r, i) => r !== map.ranges[i]) || made.coverage.some((r, i) => r !== map.coverage[i]))
    throw new InvalidArgumentError("map", "range bounds must be bigints; build maps with makeMemoryMap or parseMemoryMap");
  madeMaps.add(map);
  return map;
}
