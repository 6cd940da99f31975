/** Format detection and the one entry point for every memory-map format. */
import type { ArchProfile } from "../arch.js";
import { parseDts } from "./dts.js";
import { parseIomem, parseSysfsMemmap } from "./firmware.js";
import { parseJsonMap } from "./json.js";
import { parseBootLog } from "./logs.js";
import { makeMemoryMap, type MapFormat, type MemoryMap } from "./map.js";
import type { ParsedRanges } from "./parsed.js";
import { parseTextMap } from "./text.js";

const PARSERS: Record<MapFormat, (text: string, input: string) => ParsedRanges> = {
  json: parseJsonMap,
  text: parseTextMap,
  "xen-log": parseBootLog,
  "linux-e820": parseBootLog,
  "linux-srat": parseBootLog,
  "linux-nodes": parseBootLog,
  iomem: parseIomem,
  "sysfs-memmap": parseSysfsMemmap,
  // dtc accepts any line ending; line numbers count LF.
  dts: (text, input) => parseDts(text.replace(/\r\n?/g, "\n"), input),
};

/**
 * Guesses the format from content alone; plain range lists are the fallback. Patterns
 * never let `\s` run across lines, so detection stays linear on any input.
 */
export function detectFormat(text: string): MapFormat {
  if (/^[ \t\r\n]*(\{|\[[ \t\r\n]*[[{\]"])/.test(text)) return "json"; // not "[    0.000000]" of dmesg
  if (text.includes("/dts-v1/") || /device_type[ \t]*=[ \t]*"memory"|^[ \t]*memory@/m.test(text)) return "dts";
  if (text.includes("(XEN)")) return "xen-log";
  if (/memmap\/\d+\/(start|end|type):|^[ \t]*0x[0-9a-f]{1,20}[ \t]+0x[0-9a-f]{1,20}[ \t]+System RAM[ \t]*\r?$/im.test(text)) return "sysfs-memmap";
  if (/SRAT:[ \t]+Node[ \t]+\d+[ \t]+PXM[ \t]+\d+[ \t]+\[mem/.test(text)) return "linux-srat";
  if (/BIOS-e820:|Xen:[ \t]+\[mem/.test(text)) return "linux-e820";
  if (/node[ \t]+\d+:[ \t]+\[mem/.test(text)) return "linux-nodes";
  if (/^[0-9a-f]{1,20}-[0-9a-f]{1,20}[ \t]*:[ \t]*System RAM[ \t]*\r?$/im.test(text)) return "iomem";
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
export function parseMemoryMap(input: string, options: ParseOptions = {}): MemoryMap {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // a UTF-8 BOM, in any format
  const name = options.name ?? "memory map";
  const detected = options.format ?? detectFormat(text);
  const { ranges, coverage, format, machine, archHint } = PARSERS[detected](text, name);
  return { ...makeMemoryMap(name, format ?? detected, ranges, options.arch, coverage), machine, archHint };
}
