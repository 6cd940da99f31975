/** Format detection and the one entry point for every memory-map format. */
import type { ArchProfile } from "../arch.js";
import { parseDts } from "./dts.js";
import { parseJsonMap } from "./json.js";
import { parseIomem, parseLinuxLog, parseXenLog } from "./logs.js";
import { makeMemoryMap, type MapFormat, type MemoryMap } from "./map.js";
import type { ParsedRanges } from "./parsed.js";
import { parseTextMap } from "./text.js";

const PARSERS: Record<MapFormat, (text: string, input: string) => ParsedRanges> = {
  json: parseJsonMap,
  text: parseTextMap,
  "xen-log": parseXenLog,
  "linux-e820": parseLinuxLog,
  "linux-srat": parseLinuxLog,
  iomem: parseIomem,
  dts: parseDts,
};

/** Guesses the format from content alone; plain range lists are the fallback. */
export function detectFormat(text: string): MapFormat {
  if (/^\s*(\{|\[\s*[[{\]"])/.test(text)) return "json"; // not "[    0.000000]" of dmesg
  if (/\/dts-v1\/|device_type\s*=\s*"memory"|^\s*memory@/m.test(text)) return "dts";
  if (/\(XEN\)/.test(text)) return "xen-log";
  if (/SRAT:\s+Node\s+\d+\s+PXM\s+\d+\s+\[mem/.test(text)) return "linux-srat";
  if (/BIOS-e820:/.test(text)) return "linux-e820";
  if (/:\s*System RAM\s*$/m.test(text)) return "iomem";
  return "text";
}

export interface ParseOptions {
  /** Name used in error messages (e.g. the file name). */
  name?: string;
  /** Force a format instead of detecting it. */
  format?: MapFormat;
  /** Check against this arch's physical address width and MAX_PFN_RANGES. */
  arch?: ArchProfile;
}

/** Parses any supported format into a checked MemoryMap; throws MemoryMapError. */
export function parseMemoryMap(text: string, options: ParseOptions = {}): MemoryMap {
  const name = options.name ?? "memory map";
  const format = options.format ?? detectFormat(text);
  const { ranges, coverage } = PARSERS[format](text, name);
  return makeMemoryMap(name, format, ranges, options.arch, coverage);
}
