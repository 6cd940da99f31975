/**
 * Parse-time benchmark (issue 10 §1): MB/s for every memory-map format at input sizes from
 * 1 KB to 100 MB. Inputs are synthetic but in each format's real shape: one RAM range and
 * one line that merely mentions memory per record, addresses rising so that no range
 * overlaps another. Linear parsing shows as a flat MB/s column; the `×1MB` column is the
 * throughput at each size over that at 1 MB.
 *
 * `xenmm bench --parse [--quick] [--json FILE]` (run by `npm run bench`) prints the rows
 * and writes the JSON (default out/bench-parse.json).
 */
import { parseMemoryMap } from "../src/index.js";
import { machineInfo } from "./machine.js";

const MiB = 1n << 20n;
const hex = (x: bigint, pad = 0) => x.toString(16).padStart(pad, "0");
/** Record i's RAM range: 1 MiB every 2 MiB. */
const range = (i: number) => ({ start: BigInt(i) * 2n * MiB, last: BigInt(i) * 2n * MiB + MiB - 1n });

/**
 * Each format: optional head and tail around `record(i)` repeated, as real inputs look:
 * one RAM range per record among lines that merely mention memory (about 250 bytes a
 * record, so 100 MB stays under the 2^20 ranges a map may hold).
 */
const FORMATS: Record<string, { head?: string; tail?: string; record: (i: number) => string }> = {
  "xen-log": { head: "(XEN) Xen-e820 RAM map:\n", record: (i) => { const r = range(i); return `(XEN)  [${hex(r.start, 16)}, ${hex(r.last, 16)}] (usable)\n(XEN) ACPI: SSDT 847512B0, 1B1C (r2 CpuRef  CpuSsdt     3000 INTL 20160527)\n(XEN)  0000000000000000-0000000007fff type=3 attr=000000000000000f\n(XEN) NUMA: Allocated memnodemap from 6a4b2f000 - 6a4b36000\n`; } },
  "linux-e820": { record: (i) => { const r = range(i); return `[    0.000000] BIOS-e820: [mem 0x${hex(r.start, 16)}-0x${hex(r.last, 16)}] usable\n[    0.011300] e820: update [mem 0x${hex(r.start, 8)}-0x${hex(r.start + 0xfffn, 8)}] usable ==> reserved\n[    0.042613]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n[    0.000000] BIOS-e820: [mem 0x${hex(r.last + 1n, 16)}-0x${hex(r.last + MiB, 16)}] reserved\n`; } },
  "linux-srat": { record: (i) => { const r = range(i); return `[    0.041742] ACPI: SRAT: Node ${i % 8} PXM ${i % 8} [mem 0x${hex(r.start)}-0x${hex(r.last)}]\n[    0.041773] NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xd7ffffff] -> [mem 0x00000000-0xd7ffffff]\n[    0.042615]   DMA32    [mem 0x0000000001000000-0x00000000ffffffff]\n`; } },
  "linux-nodes": { head: "[    0.000000] Machine model: Bench Board\n[    0.000000] Early memory node ranges\n", record: (i) => { const r = range(i); return `[    0.000000]   node   0: [mem 0x${hex(r.start, 16)}-0x${hex(r.last, 16)}]\n[    0.000000]   DMA32 zone: 8176 pages used for memmap\n[    0.000000] On node 0, zone DMA: 12288 pages in unavailable ranges\n[    0.000000]   Normal zone: 516096 pages used for memmap\n`; } },
  iomem: { record: (i) => { const r = range(i); return `${hex(r.start, 8)}-${hex(r.last, 8)} : System RAM\n  ${hex(r.start, 8)}-${hex(r.start + 0xfffn, 8)} : Kernel code\n  ${hex(r.start + 0x1000n, 8)}-${hex(r.start + 0x1fffn, 8)} : Kernel data\n${hex(r.last + 1n, 8)}-${hex(r.last + MiB, 8)} : Reserved\n  ${hex(r.last + 1n, 8)}-${hex(r.last + 0x1000n, 8)} : ACPI Tables\n`; } },
  "sysfs-memmap": { record: (i) => { const r = range(i); return `0x${hex(r.start)} 0x${hex(r.last)} System RAM\n0x${hex(r.last + 1n)} 0x${hex(r.last + MiB)} Reserved\n0x${hex(r.last + MiB + 1n)} 0x${hex(r.last + MiB + 0x1000n)} ACPI Tables\n0x${hex(r.last + MiB + 0x1001n)} 0x${hex(r.last + MiB + 0x2000n)} ACPI Non-volatile Storage\n0x${hex(r.last + MiB + 0x2001n)} 0x${hex(r.last + MiB + 0x3000n)} Unusable memory\n`; } },
  dts: { head: "/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n", tail: "};\n", record: (i) => { const r = range(i); return `\t/* bank ${i}: one of the board's DRAM banks */\n\tmemory@${hex(r.start)} {\n\t\tdevice_type = "memory";\n\t\treg = <0x${hex(r.start >> 32n)} 0x${hex(r.start & 0xffffffffn)} 0x0 0x100000>;\n\t};\n\tsram@${hex(r.last + 1n)} { compatible = "mmio-sram"; reg = <0x0 0x${hex((r.last + 1n) & 0xffffffffn)} 0x0 0x1000>; };\n`; } },
  json: { head: '{"ranges": [\n', tail: '["0x0", "0x1"]]}\n', record: (i) => { const r = range(i + 1); return `  {"start": "0x${hex(r.start)}", "end": "0x${hex(r.last + 1n)}", "label": "bank ${i} of the board: DRAM behind memory controller ${i % 4}, channel ${i % 2}, rank ${i % 8}"},\n`; } },
  text: { head: "# bench\n", record: (i) => { const r = range(i); return `# bank ${i}: DRAM behind memory controller ${i % 4}, channel ${i % 2}, rank ${i % 8}; firmware lists it as usable RAM\n0x${hex(r.start)} 0x${hex(r.last + 1n)}  # bank ${i}, 1 MiB\n\n`; } },
};

/** An input of about `bytes` bytes: whole records, built by joining (no quadratic concatenation). */
function input(format: string, bytes: number): string {
  const f = FORMATS[format];
  const parts = [f.head ?? ""];
  let size = parts[0].length + (f.tail ?? "").length;
  for (let i = 0; size < bytes; i++) { const r = f.record(i); parts.push(r); size += r.length; }
  parts.push(f.tail ?? "");
  return parts.join("");
}

export interface ParseBenchRow { format: string; bytes: number; ranges: number; runs: number; seconds_per_parse: number; mb_per_s: number; vs_1mb: number | null }

export interface ParseBenchReport { machine: Awaited<ReturnType<typeof machineInfo>>; sizes: number[]; rows: ParseBenchRow[] }

/** Repeats a parse until at least `minSeconds` have passed (the 100 MB inputs run once) and reports the mean. */
function timeParse(text: string, minSeconds: number): { seconds: number; runs: number; ranges: number } {
  let runs = 0;
  let ranges = 0;
  const t0 = performance.now();
  do { ranges = parseMemoryMap(text).ranges.length; runs++; } while ((performance.now() - t0) / 1000 < minSeconds);
  return { seconds: (performance.now() - t0) / 1000 / runs, runs, ranges };
}

export async function runParseBench(options: { quick?: boolean; formats?: string[]; onRow?: (r: ParseBenchRow) => void } = {}): Promise<ParseBenchReport> {
  const sizes = options.quick ? [1e3, 1e4, 1e5, 1e6] : [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
  const rows: ParseBenchRow[] = [];
  for (const format of options.formats ?? Object.keys(FORMATS)) {
    const perSize: ParseBenchRow[] = [];
    for (const bytes of sizes) {
      const text = input(format, bytes);
      parseMemoryMap(input(format, 1e4)); // warm up the parser's code paths
      const t = timeParse(text, options.quick ? 0.05 : 0.3);
      const row = { format, bytes: text.length, ranges: t.ranges, runs: t.runs, seconds_per_parse: t.seconds, mb_per_s: text.length / 1e6 / t.seconds, vs_1mb: null };
      perSize.push(row);
    }
    const at1mb = perSize.find((r) => r.bytes >= 1e6)?.mb_per_s;
    for (const r of perSize) {
      const row = { ...r, vs_1mb: at1mb ? Math.round((r.mb_per_s / at1mb) * 100) / 100 : null };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { machine: await machineInfo(), sizes, rows };
}
