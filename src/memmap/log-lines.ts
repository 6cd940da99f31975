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
  /** Xen on Arm's `RAM: start - end`: a device-tree memory bank, end inclusive. */
  | { kind: "bank"; start: bigint; end: bigint }
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
const XEN_ARM_BANK = new RegExp(`^\\s*RAM:\\s+(${HEX})\\s+-\\s+(${HEX})\\s*$`, "i");
const NODE = new RegExp(`(?:^|\\s)node\\s+(\\d{1,6}):\\s+\\[mem\\s+(0x${HEX})-(0x${HEX})\\]`, "i");
/** Anchored after the timestamp: a line full of "DMI:" cannot make the engine retry at each. */
const MODEL = /^\s*(OF: fdt: )?Machine model:\s*(\S.{0,199})$/;
const DMI = /^\s*DMI:\s+(\S.{0,199})$/;
const TIMESTAMP = /^\s*\[[^\],]{1,40}\]/; // no comma: "[start, end]" is an E820 entry

/** Firmware pads DMI fields with spaces: one space between words is what a reader wants. */
const tidy = (name: string) => name.trim().replace(/\s+/g, " ");
/** The DMI line's product, without its ", BIOS <version> <date>" tail. */
const product = (dmi: string) => tidy(dmi.includes(", BIOS ") ? dmi.slice(0, dmi.lastIndexOf(", BIOS ")) : dmi);
const isUsable = (type: string) => /^usable\b/i.test(type.trim());
const notNonVolatile = (tail: string | undefined) => !/non-volatile/i.test(tail ?? "");

type Num = (s: string) => bigint;
/** A line shape and the fact it states; `undefined` lets the next shape try. */
interface Shape { re: RegExp; fact: (m: RegExpExecArray, num: Num) => LogFact | undefined }

const e820 = (source: LogSource, start: bigint, end: bigint, type: string): LogFact => ({ kind: "e820", source, start, end, usable: isUsable(type) });
/** Groups: node, start, end, tail; `inclusive` adds one to the printed end. */
const srat = (source: LogSource, inclusive: boolean) => (m: RegExpExecArray, num: Num): LogFact | undefined =>
  notNonVolatile(m[4]) ? { kind: "srat", source, node: Number(m[1]), start: num(m[2]), end: num(m[3]) + (inclusive ? 1n : 0n) } : undefined;

const XEN_SHAPES: Shape[] = [
  { re: /RAM map:\s*$/, fact: () => ({ kind: "table", source: "xen" }) },
  { re: XEN_E820_INCLUSIVE, fact: (m, num) => e820("xen", num(m[1]), num(m[2]) + 1n, m[3]) },
  { re: XEN_E820_EXCLUSIVE, fact: (m, num) => e820("xen", num(m[1]), num(m[2]), m[3]) },
  { re: XEN_SRAT_INCLUSIVE, fact: srat("xen", true) },
  { re: SRAT_EXCLUSIVE, fact: srat("xen", false) },
  { re: XEN_ARM_BANK, fact: (m, num) => ({ kind: "bank", start: num(m[1]), end: num(m[2]) + 1n }) },
];

const LINUX_SHAPES: Shape[] = [
  { re: /physical RAM map:\s*$/, fact: () => ({ kind: "table", source: "linux" }) },
  { re: LINUX_E820, fact: (m, num) => e820(m[1] === "Xen" ? "dom0" : "linux", num(m[2]), num(m[3]) + 1n, m[4]) },
  { re: OLD_LINUX_E820, fact: (m, num) => e820("linux", num(m[1]), num(m[2]), m[3]) },
  { re: LINUX_SRAT, fact: srat("linux", true) },
  { re: SRAT_EXCLUSIVE, fact: srat("linux", false) },
  { re: NODE, fact: (m, num) => ({ kind: "node", node: Number(m[1]), start: num(m[2]), end: num(m[3]) + 1n }) },
  { re: MODEL, fact: (m) => ({ kind: "machine", name: tidy(m[2]), by: m[1] ? "fdt-match" : "model" }) },
  { re: DMI, fact: (m) => ({ kind: "machine", name: product(m[1]), by: "dmi" }) },
  { re: /^\s*HighMem\s+\[mem/, fact: () => ({ kind: "highmem" }) },
];

/** Reads one line; throws MemoryMapError only for a recognised line with a bad number. */
export function readLogLine(line: string, n: number, input: string): LogFact | undefined {
  if (line.length > MAX_LINE) return undefined;
  const num: Num = (s) => address(s, n, input, true);
  const xenAt = line.indexOf("(XEN)");
  const [rest, shapes] = xenAt >= 0 ? [line.slice(xenAt + 5), XEN_SHAPES] : [line, LINUX_SHAPES];
  const text = rest.replace(TIMESTAMP, "");
  for (const shape of shapes) {
    const m = shape.re.exec(text);
    const fact = m && shape.fact(m, num);
    if (fact) return fact;
  }
  return undefined;
}
