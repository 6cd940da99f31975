/**
 * The kernel's views of the firmware map: /proc/iomem (top-level `System RAM`) and
 * /sys/firmware/memmap, whose entries hold `start`, `end` (inclusive) and `type`. The
 * memmap directory reaches the parser flattened, either as `START END TYPE` lines or as
 * `grep "" /sys/firmware/memmap/*\/*` prints it (`…/memmap/3/end:0xbff7ffff`).
 */
import { MemoryMapError } from "./error.js";
import { MAX_MAP_RANGES, type RamRange } from "./map.js";
import { addRange, type ParsedRanges } from "./parsed.js";
import { address, eachRawLine } from "./text.js";

const X86 = { arch: "x86-64", reason: "" } as const;

/** /proc/iomem top level: `100000000-87fffffff : System RAM`; inclusive. */
const IOMEM = /^([0-9a-f]{1,20})-([0-9a-f]{1,20})\s*:\s*System RAM\s*$/i;

export function parseIomem(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  eachRawLine(text, (line, n) => {
    const m = IOMEM.exec(line); // indented lines are children (kernel code, data): skip them
    if (m) addRange(ranges, { start: address(m[1], n, input, true), end: address(m[2], n, input, true) + 1n, line: n }, input);
  });
  if (ranges.length > 0 && ranges.every((r) => r.start === 0n && r.end === 1n))
    throw new MemoryMapError("every System RAM address reads as 0: /proc/iomem hides addresses from non-root users; read it as root", {}, input);
  return { ranges, archHint: { ...X86, reason: "/proc/iomem (x86 names its firmware RAM 'System RAM' at top level)" } };
}

/** `0x100000 0xbff7ffff System RAM` */
const FLAT = /^\s*(0x[0-9a-f]{1,20})\s+(0x[0-9a-f]{1,20})\s+(\S.{0,60}?)\s*$/i;
/** `/sys/firmware/memmap/3/end:0xbff7ffff` */
const GREPPED = /memmap\/(\d{1,6})\/(start|end|type):(.{0,80})$/;

/** Entries of every type, RAM or not: a bound well above any firmware table. */
const MAX_MAP_ENTRIES = 4 * MAX_MAP_RANGES;

/** One memmap entry: a directory of three files. */
export interface MemmapEntry { start?: string; end?: string; type?: string; line: number }

function rangeOf(e: MemmapEntry, input: string): RamRange | undefined {
  if (e.type?.trim() !== "System RAM") return undefined;
  if (e.start === undefined || e.end === undefined) throw new MemoryMapError("a memmap entry needs start, end and type", { line: e.line }, input);
  return { start: address(e.start, e.line, input), end: address(e.end, e.line, input) + 1n, line: e.line };
}

/** Entries in firmware order (their directory numbers), `System RAM` only. */
export function memmapRanges(entries: readonly MemmapEntry[], input: string): ParsedRanges {
  const ranges = entries.flatMap((e) => rangeOf(e, input) ?? []);
  return { ranges, archHint: { ...X86, reason: "/sys/firmware/memmap (the e820 map as firmware gave it)" } };
}

export function parseSysfsMemmap(text: string, input: string): ParsedRanges {
  const flat: MemmapEntry[] = [];
  const grepped = new Map<number, MemmapEntry>();
  eachRawLine(text, (line, n) => {
    const g = GREPPED.exec(line);
    if (g) {
      const index = Number(g[1]);
      if (!grepped.has(index) && flat.length + grepped.size > MAX_MAP_ENTRIES) throw new MemoryMapError(`more than ${MAX_MAP_ENTRIES} memmap entries`, { line: n }, input);
      const e = grepped.get(index) ?? { line: n };
      e[g[2] as "start" | "end" | "type"] = g[3];
      grepped.set(index, e);
      return;
    }
    const m = FLAT.exec(line);
    if (m && flat.length + grepped.size > MAX_MAP_ENTRIES) throw new MemoryMapError(`more than ${MAX_MAP_ENTRIES} memmap entries`, { line: n }, input);
    if (m) flat.push({ start: m[1], end: m[2], type: m[3], line: n });
  });
  const numbered = [...grepped.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
  return memmapRanges([...flat, ...numbered], input);
}
