/**
 * What one line of a boot log says about memory. Xen (`xl dmesg`) and Linux (`dmesg`)
 * lines of every generation; any other line, including those that merely mention memory
 * (`e820: update`, `Zone ranges`, `DMA32`, `Initmem setup node`), says nothing.
 * Quantifiers are bounded and long lines skipped, so reading is linear in the input.
 */
import { address } from "./text.js";

/** Whose print a range line is: Xen's own, the Linux kernel's, or dom0 Linux printing Xen's map. */
export type LogSource = "xen" | "linux" | "dom0";

export type LogFact =
  | { kind: "e820"; source: LogSource; start: bigint; end: bigint; usable: boolean }
  | { kind: "srat"; source: LogSource; node: number; start: bigint; end: bigint }
  | { kind: "node"; node: number; start: bigint; end: bigint }
  /** A `… RAM map:` header: the E820 lines after it are a new table. */
  | { kind: "table"; source: LogSource }
  | { kind: "machine"; name: string; by: "model" | "fdt-match" | "dmi" }
  /** A `HighMem` zone: a 32-bit kernel. */
  | { kind: "highmem" };

/** No memory line is this long; longer lines are skipped unread. */
const MAX_LINE = 1000;

const HEX = "[0-9a-f]{1,20}";
const XEN_E820_INCLUSIVE = new RegExp(`^\\s+\\[\\s*(${HEX}),\\s*(${HEX})\\]\\s+\\(([^)]{1,40})\\)`, "i");
const XEN_E820_EXCLUSIVE = new RegExp(`^\\s+(${HEX})\\s+-\\s+(${HEX})\\s+\\(([^)]{1,40})\\)`, "i");
const XEN_SRAT_INCLUSIVE = new RegExp(`^\\s*SRAT:\\s+Node\\s+(\\d{1,6})\\s+PXM\\s+\\d{1,10}\\s+\\[\\s*(${HEX}),\\s*(${HEX})\\s*\\](.{0,40})$`, "i");
/** The old `N-M` form, Xen before 4.17 and Linux 2.6: the end is exclusive. */
const SRAT_EXCLUSIVE = new RegExp(`(?:^|\\s)SRAT:\\s+Node\\s+(\\d{1,6})\\s+PXM\\s+\\d{1,10}\\s+(${HEX})-(${HEX})(\\s.{0,40})?$`, "i");
const LINUX_SRAT = new RegExp(`(?:^|\\s)SRAT:\\s+Node\\s+(\\d{1,6})\\s+PXM\\s+\\d{1,10}\\s+\\[mem\\s+(0x${HEX})-(0x${HEX})\\](.{0,40})$`, "i");
/** `BIOS-e820: [mem …] usable`, and dom0's `Xen: [mem …] usable`; inclusive. */
const LINUX_E820 = new RegExp(`(?:^|\\s)(BIOS-e820|Xen):\\s+\\[mem\\s+(0x${HEX})-(0x${HEX})\\]\\s+(.{1,40})$`, "i");
/** Linux before 3.x: ` BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)`; exclusive. */
const OLD_LINUX_E820 = new RegExp(`(?:^|\\s)BIOS-e820:\\s+(${HEX})\\s+-\\s+(${HEX})\\s+\\(([^)]{1,40})\\)`, "i");
const NODE = new RegExp(`(?:^|\\s)node\\s+(\\d{1,6}):\\s+\\[mem\\s+(0x${HEX})-(0x${HEX})\\]`, "i");
const MODEL = /(OF: fdt: )?Machine model:\s*(.{1,200}?)\s*$/;
const DMI = /(?:^|\s)DMI:\s+(.{1,200}?)(?:,\s+BIOS\s.*)?\s*$/;
const TIMESTAMP = /^\s*\[[^\],]{1,40}\]/; // no comma: "[start, end]" is an E820 entry

/** Firmware pads DMI fields with spaces: one space between words is what a reader wants. */
const tidy = (name: string) => name.trim().replace(/\s+/g, " ");
const isUsable = (type: string) => /^usable\b/i.test(type.trim());
const notNonVolatile = (tail: string | undefined) => !/non-volatile/i.test(tail ?? "");

/** Reads one line; throws MemoryMapError only for a recognised line with a bad number. */
export function readLogLine(line: string, n: number, input: string): LogFact | undefined {
  if (line.length > MAX_LINE) return undefined;
  const num = (s: string) => address(s, n, input, true);
  const xenAt = line.indexOf("(XEN)");
  if (xenAt >= 0) {
    const rest = line.slice(xenAt + 5).replace(TIMESTAMP, "");
    if (/RAM map:\s*$/.test(rest)) return { kind: "table", source: "xen" };
    let m = XEN_E820_INCLUSIVE.exec(rest);
    if (m) return { kind: "e820", source: "xen", start: num(m[1]), end: num(m[2]) + 1n, usable: isUsable(m[3]) };
    m = XEN_E820_EXCLUSIVE.exec(rest);
    if (m) return { kind: "e820", source: "xen", start: num(m[1]), end: num(m[2]), usable: isUsable(m[3]) };
    m = XEN_SRAT_INCLUSIVE.exec(rest);
    if (m && notNonVolatile(m[4])) return { kind: "srat", source: "xen", node: Number(m[1]), start: num(m[2]), end: num(m[3]) + 1n };
    m = SRAT_EXCLUSIVE.exec(rest);
    if (m && notNonVolatile(m[4])) return { kind: "srat", source: "xen", node: Number(m[1]), start: num(m[2]), end: num(m[3]) };
    return undefined;
  }
  const rest = line.replace(TIMESTAMP, "");
  if (/physical RAM map:\s*$/.test(rest)) return { kind: "table", source: "linux" };
  let m = LINUX_E820.exec(rest);
  if (m) return { kind: "e820", source: m[1] === "Xen" ? "dom0" : "linux", start: num(m[2]), end: num(m[3]) + 1n, usable: isUsable(m[4]) };
  m = OLD_LINUX_E820.exec(rest);
  if (m) return { kind: "e820", source: "linux", start: num(m[1]), end: num(m[2]), usable: isUsable(m[3]) };
  m = LINUX_SRAT.exec(rest);
  if (m && notNonVolatile(m[4])) return { kind: "srat", source: "linux", node: Number(m[1]), start: num(m[2]), end: num(m[3]) + 1n };
  m = SRAT_EXCLUSIVE.exec(rest);
  if (m && notNonVolatile(m[4])) return { kind: "srat", source: "linux", node: Number(m[1]), start: num(m[2]), end: num(m[3]) };
  m = NODE.exec(rest);
  if (m) return { kind: "node", node: Number(m[1]), start: num(m[2]), end: num(m[3]) + 1n };
  m = MODEL.exec(rest);
  if (m) return { kind: "machine", name: tidy(m[2]), by: m[1] ? "fdt-match" : "model" };
  m = DMI.exec(rest);
  if (m) return { kind: "machine", name: tidy(m[1]), by: "dmi" };
  if (/^\s*HighMem\s+\[mem/.test(rest)) return { kind: "highmem" };
  return undefined;
}
