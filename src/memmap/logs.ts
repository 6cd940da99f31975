/**
 * Boot logs, Xen's and Linux's: which of their memory lines become the map. Xen's x86
 * caller registers the SRAT memory-affinity entries for PDX and checks E820 RAM for
 * coverage (docs/notes/pdx.md §2.1, §2.3), so a log with both keeps both; Arm registers its
 * memory banks, which a Linux log on a device-tree platform states as `node N: [mem …]`.
 */
import type { ArchHint } from "./arch-hint.js";
import { MemoryMapError } from "./error.js";
import { readLogLine, type LogFact, type LogSource } from "./log-lines.js";
import type { MapFormat, RamRange } from "./map.js";
import { addRange, type ParsedRanges } from "./parsed.js";
import { eachRawLine } from "./text.js";

/** Whose E820 and SRAT win when a log holds several: Xen's own over the kernel's over dom0's view. */
const PRIORITY: readonly LogSource[] = ["xen", "linux", "dom0"];

interface LogContent {
  /** Usable E820 entries per source, one list per `RAM map:` table; the last non-empty table counts. */
  e820: Record<LogSource, RamRange[][]>;
  srat: Record<LogSource, RamRange[]>;
  nodes: RamRange[];
  /** Xen on Arm's memory banks. */
  banks: RamRange[];
  machine?: { name: string; by: "model" | "fdt-match" | "dmi" };
  highmem: boolean;
}

function collect(text: string, input: string): LogContent {
  const c: LogContent = { e820: { xen: [[]], linux: [[]], dom0: [[]] }, srat: { xen: [], linux: [], dom0: [] }, nodes: [], banks: [], highmem: false };
  eachRawLine(text, (line, n) => {
    const f: LogFact | undefined = readLogLine(line, n, input);
    if (!f) return;
    switch (f.kind) {
      case "table": if (c.e820[f.source].at(-1)!.length) c.e820[f.source].push([]); break;
      case "e820": if (f.usable) addRange(c.e820[f.source].at(-1)!, { start: f.start, end: f.end, line: n }, input); break;
      case "srat": addRange(c.srat[f.source], { start: f.start, end: f.end, line: n, label: `node ${f.node}`, node: f.node }, input); break;
      case "bank": addRange(c.banks, { start: f.start, end: f.end, line: n }, input); break;
      case "node": addRange(c.nodes, { start: f.start, end: f.end, line: n, label: `node ${f.node}`, node: f.node }, input); break;
      case "machine": if (!c.machine || c.machine.by === "dmi") c.machine = { name: f.name, by: f.by }; break;
      case "highmem": c.highmem = true; break;
    }
  });
  return c;
}

function firstBySource<T>(lists: Record<LogSource, T[]>): { source: LogSource; list: T[] } | undefined {
  const source = PRIORITY.find((s) => lists[s].length > 0);
  return source && { source, list: lists[source] };
}

/** Reads a Xen or Linux boot log; throws MemoryMapError when it states no RAM. */
export function parseBootLog(text: string, input: string): ParsedRanges {
  const c = collect(text, input);
  const lastTables = Object.fromEntries(PRIORITY.map((s) => [s, c.e820[s].filter((t) => t.length).at(-1) ?? []])) as Record<LogSource, RamRange[]>;
  const e820 = firstBySource(lastTables);
  const srat = firstBySource(c.srat);
  const machine = c.machine?.name;
  const x86 = (reason: string): ArchHint => ({ arch: "x86-64", reason });

  if (!e820 && c.banks.length) {
    // Xen on Arm prints its device-tree banks; Arm32 Xen is rare and nothing in the log tells them apart.
    const wide = c.banks.some((b) => b.end > 1n << 40n);
    return { ranges: c.banks, format: "xen-log", machine,
      archHint: { arch: "arm64", reason: wide ? "Xen on Arm's RAM: bank lines, above Arm32's 40-bit addresses" : "Xen on Arm's RAM: bank lines (arm64 assumed; Arm32 Xen prints the same lines)" } };
  }
  if (!e820 && c.nodes.length) {
    // No firmware E820 map: a device-tree (or ACPI-on-Arm) kernel. Xen on Arm registers its banks.
    const arm32 = c.machine?.by === "fdt-match" || c.highmem;
    const archHint: ArchHint = arm32
      ? { arch: "arm32", reason: c.highmem ? "memory node lines with a HighMem zone and no e820 map (32-bit Arm)" : "memory node lines and 'OF: fdt: Machine model' (the 32-bit Arm boot path), no e820 map" }
      : { arch: "arm64", reason: "memory node lines with no e820 map and no HighMem zone (64-bit Arm)" };
    return { ranges: c.nodes, format: "linux-nodes", machine, archHint };
  }
  if (srat) {
    const format: MapFormat = srat.source === "xen" || e820?.source === "xen" ? "xen-log" : "linux-srat";
    return { ranges: srat.list, coverage: e820?.list, format, machine,
      archHint: x86(e820 ? "ACPI SRAT with an e820 map" : "ACPI SRAT memory affinity entries") };
  }
  if (e820) return { ranges: e820.list, format: e820.source === "xen" ? "xen-log" : "linux-e820", machine, archHint: x86(e820.source === "xen" ? "Xen's E820 map" : "e820 firmware map") };
  throw new MemoryMapError("no RAM ranges found: no usable E820 entry, SRAT memory affinity or 'node N: [mem …]' line", {}, input);
}
