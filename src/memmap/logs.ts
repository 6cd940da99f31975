/**
 * Boot logs: Xen's `(XEN)` E820 and SRAT lines, Linux `dmesg` E820 and SRAT lines, and
 * Linux /proc/iomem. Xen registers SRAT memory-affinity entries for PDX and checks E820
 * RAM for coverage (research/pdx.md §2.1, §2.3), so a log with both keeps both.
 */
import { MemoryMapError } from "./error.js";
import type { RamRange } from "./map.js";
import type { ParsedRanges } from "./parsed.js";
import { address, eachLine } from "./text.js";

/** Xen: ` 0000000100000000 - 0000000880000000 (usable)`; the end is exclusive. */
const XEN_E820 = /\(XEN\)\s+([0-9a-f]+)\s*-\s*([0-9a-f]+)\s+\(([^)]+)\)/i;
/** Xen: `SRAT: Node 0 PXM 0 [0000000000000000, 000000007fffffff]`; the end is inclusive. */
const XEN_SRAT = /SRAT:\s+Node\s+(\d+)\s+PXM\s+\d+\s+\[\s*(?:0x)?([0-9a-f]+)\s*,\s*(?:0x)?([0-9a-f]+)\s*\]/i;
/** Linux: `BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable`; inclusive. */
const LINUX_E820 = /BIOS-e820:\s+\[mem\s+(0x[0-9a-f]+)-(0x[0-9a-f]+)\]\s+(.+)$/i;
/** Linux: `ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]`; inclusive. */
const LINUX_SRAT = /SRAT:\s+Node\s+(\d+)\s+PXM\s+\d+\s+\[mem\s+(0x[0-9a-f]+)-(0x[0-9a-f]+)\]/i;
/** /proc/iomem top level: `100000000-87fffffff : System RAM`; inclusive. */
const IOMEM = /^([0-9a-f]+)-([0-9a-f]+)\s*:\s*System RAM\s*$/i;

function inclusive(start: string, last: string, n: number, input: string, label?: string): RamRange {
  const s = address(start, n, input, true);
  return { start: s, end: address(last, n, input, true) + 1n, line: n, label };
}

/** How one boot log writes its SRAT and E820 lines. */
interface LogDialect {
  srat: RegExp;
  e820: RegExp;
  /** Whether an E820 match's type is RAM. */
  usable: (type: string) => boolean;
  /** Xen prints E820 ends exclusive, Linux inclusive. */
  e820EndInclusive: boolean;
}

const XEN: LogDialect = { srat: XEN_SRAT, e820: XEN_E820, usable: (t) => /usable/i.test(t), e820EndInclusive: false };
const LINUX: LogDialect = { srat: LINUX_SRAT, e820: LINUX_E820, usable: (t) => /^usable\b/i.test(t.trim()), e820EndInclusive: true };

/** SRAT entries become the registered ranges, with E820 RAM kept for coverage; else E820 alone. */
function parseBootLog(text: string, input: string, d: LogDialect): ParsedRanges {
  const e820: RamRange[] = [];
  const srat: RamRange[] = [];
  eachLine(text, (line, n) => {
    const s = d.srat.exec(line);
    if (s) { srat.push(inclusive(s[2], s[3], n, input, `node ${s[1]}`)); return; }
    const e = d.e820.exec(line);
    if (!e || !d.usable(e[3])) return;
    e820.push(d.e820EndInclusive ? inclusive(e[1], e[2], n, input) : { start: address(e[1], n, input, true), end: address(e[2], n, input, true), line: n });
  });
  return srat.length ? { ranges: srat, coverage: e820.length ? e820 : undefined } : { ranges: e820 };
}

export const parseXenLog = (text: string, input: string): ParsedRanges => parseBootLog(text, input, XEN);
export const parseLinuxLog = (text: string, input: string): ParsedRanges => parseBootLog(text, input, LINUX);

export function parseIomem(text: string, input: string): ParsedRanges {
  const ranges: RamRange[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = IOMEM.exec(line); // indented lines are children (kernel code, data): skip them
    if (m) ranges.push(inclusive(m[1], m[2], i + 1, input));
  });
  if (ranges.length > 0 && ranges.every((r) => r.start === 0n && r.end === 1n))
    throw new MemoryMapError("every System RAM address reads as 0: /proc/iomem hides addresses from non-root users; read it as root", {}, input);
  return { ranges };
}
