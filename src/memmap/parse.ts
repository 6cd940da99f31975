/** Format detection and the one entry point for every memory-map format. */
import type { ArchProfile } from "../arch.js";
import { checkArchProfile } from "../arch-check.js";
import { InvalidArgumentError } from "../errors.js";
import { checkOptions, oneOf } from "../options.js";
import { describeValue } from "../u64.js";
import { parseDts } from "./dts.js";
import { parseIomem, parseSysfsMemmap } from "./firmware.js";
import { parseJsonMap } from "./json.js";
import { parseBootLog } from "./logs.js";
import { MAP_FORMATS, makeMemoryMap, type MapFormat, type MemoryMap } from "./map.js";
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
  checkText("detectFormat(text)", text);
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
  checkText("parseMemoryMap(input)", input);
  const checked = checkOptions<ParseOptions>("parseMemoryMap(options)", options, ["name", "format", "arch"]);
  if (checked.name !== undefined && typeof checked.name !== "string")
    throw new InvalidArgumentError("parseMemoryMap(options.name)", `expected a string, got ${describeValue(checked.name)}`);
  const arch = checked.arch === undefined ? undefined : checkArchProfile("parseMemoryMap(options.arch)", checked.arch);
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // a UTF-8 BOM, in any format
  const name = checked.name ?? "memory map";
  const detected = checked.format === undefined ? detectFormat(text) : oneOf("parseMemoryMap(options.format)", checked.format, MAP_FORMATS);
  const { ranges, coverage, format, machine, archHint } = PARSERS[detected](text, name);
  return { ...makeMemoryMap(name, format ?? detected, ranges, arch, coverage), machine, archHint };
}

/** Parsers read text: a Buffer, a number or a file handle is the caller's mistake, said so. */
function checkText(argument: string, value: unknown): asserts value is string {
  if (typeof value !== "string") throw new InvalidArgumentError(argument, `expected the map's text as a string, got ${describeValue(value)}`);
}
