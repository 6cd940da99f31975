/**
 * The embedded catalogue of real memory maps: Xen's 15 unit-test vectors
 * (tools/tests/pdx/test-pdx.c, expanded with MAX_ORDER 18, docs/notes/pdx.md §6.2) and the
 * board and server maps of docs/notes/pdx.md §4.6 and §9, each with its source. Byte
 * ranges, half-open; SRAT maps quoted with inclusive ends are converted.
 */
import type { ArchName } from "./arch.js";
import { InvalidArgumentError } from "./errors.js";
import { makeMemoryMap, MAX_MAP_RANGES, type MemoryMap } from "./memmap/map.js";
import { describeValue } from "./u64.js";

export interface CatalogueEntry {
  /** Short stable name, usable wherever a map file is expected (`xenmm pdx arm-fvp`). */
  readonly id: string;
  readonly title: string;
  /** The arch this map comes from (Xen's vectors: the unit-test harness). */
  readonly arch: ArchName;
  readonly source: string;
  /** [start, end) in bytes, as hex strings. */
  readonly ranges: ReadonlyArray<readonly [string, string]>;
}

const TEST_PDX = "xen-project/xen tools/tests/pdx/test-pdx.c @ c447b730";

function xenVector(n: number, title: string, ranges: Array<[string, string]>): CatalogueEntry {
  return { id: `xen-${n}`, title: `Xen test vector #${n}: ${title}`, arch: "harness", source: TEST_PDX, ranges };
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  xenVector(0, "Real memory map, 4-socket Intel Granite Rapids", [["0x0", "0x80000000"], ["0x100000000", "0x8080000000"], ["0x63e80000000", "0x6be80000000"], ["0xc7e80000000", "0xcfe80000000"], ["0x12be80000000", "0x133e80000000"]]),
  xenVector(1, "Simple hole", [["0x0", "0x40000000"], ["0x1000000000000", "0x1000040000000"]]),
  xenVector(2, "Simple hole, unsorted ranges", [["0x1000000000000", "0x1000040000000"], ["0x0", "0x40000000"]]),
  xenVector(3, "Two ranges with the same high bit set", [["0x8000000000000", "0x8000040000000"], ["0x80000c0000000", "0x8000100000000"]]),
  xenVector(4, "2 ranges covered by the lower mask (3 ranges listed)", [["0x0", "0x40000000"], ["0x80000000", "0xc0000000"], ["0x500000000", "0x580000000"]]),
  xenVector(5, "Single range not starting at 0", [["0x280000000", "0x2c0000000"]]),
  xenVector(6, "Resulting PDX region size leads to no compression", [["0x0", "0x40000000"], ["0x80000000", "0xc0000000"], ["0x100000000", "0x1c0000000"], ["0x200000000", "0x300000000"]]),
  xenVector(7, "AMD Versal Gen 2 ARM board", [["0x0", "0x80000000"], ["0x800000000", "0x880000000"], ["0x50000000000", "0x50080000000"], ["0x60000000000", "0x60080000000"], ["0x70000000000", "0x70080000000"]]),
  xenVector(8, "Unsorted ranges, lower one not starting at 0", [["0x880000000", "0x8c0000000"], ["0x80000000", "0xc0000000"]]),
  xenVector(9, "AMD Naples Epyc 7281, 2 sockets, 8 NUMA nodes", [["0x0", "0xa0000"], ["0x100000", "0xb0000000"], ["0x100000000", "0x430000000"], ["0x430000000", "0x830000000"], ["0x830000000", "0xc30000000"], ["0xc30000000", "0x1030000000"], ["0x1030000000", "0x1430000000"], ["0x1430000000", "0x1830000000"], ["0x1830000000", "0x1c30000000"], ["0x1c30000000", "0x2030000000"]]),
  xenVector(10, "2-node, 2 GB per node QEMU layout", [["0x0", "0x80000000"], ["0x100000000", "0x180000000"]]),
  xenVector(11, "Not compressible, smaller than MAX_ORDER", [["0x0", "0x1000"], ["0x100000", "0x101000"]]),
  xenVector(12, "Compressible, requires adjusting size to (1 << MAX_ORDER)", [["0x0", "0x1000"], ["0x100000000", "0x100001000"]]),
  xenVector(13, "2-socket Intel CLX with contiguous ranges, no compression", [["0x0", "0x180000000"], ["0x180000000", "0x3040000000"]]),
  xenVector(14, "Dell R740, dual socket", [["0x0", "0x80000000"], ["0x100000000", "0x3070000000"], ["0x3070000000", "0x3870000000"], ["0x3870000000", "0x6870000000"], ["0x6870000000", "0x7070000000"]]),
  { id: "intel-gnr-4s", title: "Intel Granite Rapids, 4 sockets, 512 GiB per node", arch: "x86-64",
    source: "SRAT in xen-project/xen commit c5c45bcb (docs/notes/pdx.md §4.6)",
    ranges: [["0x0", "0x80000000"], ["0x100000000", "0x8080000000"], ["0x63e80000000", "0x6be80000000"], ["0xc7e80000000", "0xcfe80000000"], ["0x12be80000000", "0x133e80000000"]] },
  { id: "amd-naples-2s", title: "AMD Naples Epyc 7281, 2 sockets, 8 NUMA nodes", arch: "x86-64", source: TEST_PDX + " #9",
    ranges: [["0x0", "0xa0000"], ["0x100000", "0xb0000000"], ["0x100000000", "0x430000000"], ["0x430000000", "0x830000000"], ["0x830000000", "0xc30000000"], ["0xc30000000", "0x1030000000"], ["0x1030000000", "0x1430000000"], ["0x1430000000", "0x1830000000"], ["0x1830000000", "0x1c30000000"], ["0x1c30000000", "0x2030000000"]] },
  { id: "intel-clx-2s", title: "Intel Cascade Lake, 2 sockets, contiguous", arch: "x86-64", source: TEST_PDX + " #13",
    ranges: [["0x0", "0x180000000"], ["0x180000000", "0x3040000000"]] },
  { id: "dell-r740", title: "Dell R740, dual socket", arch: "x86-64", source: TEST_PDX + " #14",
    ranges: [["0x0", "0x80000000"], ["0x100000000", "0x3070000000"], ["0x3070000000", "0x3870000000"], ["0x3870000000", "0x6870000000"], ["0x6870000000", "0x7070000000"]] },
  { id: "qemu-2node", title: "QEMU, 2 NUMA nodes × 2 GiB", arch: "x86-64", source: TEST_PDX + " #10",
    ranges: [["0x0", "0x80000000"], ["0x100000000", "0x180000000"]] },
  { id: "amd-turin", title: "AMD Turin, 2 nodes (SRAT)", arch: "x86-64",
    source: "xen-project/xen tools/tests/numa/test-numa.c, commit 97e3837a (docs/notes/pdx.md §9.1)",
    ranges: [["0x0", "0xa0000"], ["0xc0000", "0xb0000000"], ["0x100000000", "0xc050000000"], ["0xc050000000", "0xfc50000000"], ["0x10000000000", "0x18400000000"]] },
  { id: "amd-preproduction", title: "Pre-production AMD, 2 nodes (SRAT)", arch: "x86-64",
    source: "xen-project/xen tools/tests/numa/test-numa.c, commit 97e3837a (docs/notes/pdx.md §9.1)",
    ranges: [["0x0", "0xb0000000"], ["0x100000000", "0xfc50000000"], ["0x10000000000", "0x10400000000"], ["0x10400000000", "0x20400000000"]] },
  { id: "amd-versal-gen2", title: "AMD Versal Gen 2", arch: "arm64", source: TEST_PDX + " #7",
    ranges: [["0x0", "0x80000000"], ["0x800000000", "0x880000000"], ["0x50000000000", "0x50080000000"], ["0x60000000000", "0x60080000000"], ["0x70000000000", "0x70080000000"]] },
  { id: "arm-fvp", title: "Arm FVP / fast model", arch: "arm64", source: "xen-project/xen commit e01fa4e2 (FVP frame table 478M → 84M)",
    ranges: [["0x80000000", "0x100000000"], ["0x880000000", "0x900000000"]] },
  { id: "xilinx-zcu102", title: "Xilinx ZynqMP ZCU102", arch: "arm64", source: "torvalds/linux arch/arm64/boot/dts/xilinx/zynqmp-zcu102-revA.dts @ 031616c434db",
    ranges: [["0x0", "0x80000000"], ["0x800000000", "0x880000000"]] },
  { id: "arm-juno", title: "Arm Juno", arch: "arm64", source: "torvalds/linux arch/arm64/boot/dts/arm/juno-base.dtsi @ 0e529dae514b",
    ranges: [["0x80000000", "0xff000000"], ["0x880000000", "0xa00000000"]] },
  { id: "arm-morello", title: "Arm Morello", arch: "arm64", source: "linux-devicetree list, \"[PATCH v3 2/4] arm64: dts: morello\" (2025-01, morello.dtsi)",
    ranges: [["0x80000000", "0xff000000"], ["0x8080000000", "0x83f8000000"]] },
  { id: "calxeda-midway", title: "Calxeda Midway ECX-2000 (Arm32 LPAE)", arch: "arm32", source: "torvalds/linux arch/arm/boot/dts/calxeda/ecx-2000.dts @ 6cc0d5f4a9a5",
    ranges: [["0x0", "0xff800000"], ["0x200000000", "0x500000000"]] },
];

/** A catalogue entry by id, or undefined. */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id === id);
}

/** The entry (given itself or by id, e.g. "arm-fvp") as a checked MemoryMap. */
export function catalogueMap(entryOrId: CatalogueEntry | string): MemoryMap {
  const entry = typeof entryOrId === "string" ? catalogueEntry(entryOrId) : entryOrId;
  if (entry === undefined)
    throw new InvalidArgumentError("catalogueMap(id)", `no catalogue map ${JSON.stringify(entryOrId)}; the ids are ${CATALOGUE.map((e) => e.id).join(", ")}`);
  if (entry === null || typeof entry !== "object" || !Array.isArray(entry.ranges) || entry.ranges.length > MAX_MAP_RANGES)
    throw new InvalidArgumentError("catalogueMap(entry)", `expected a catalogue id or entry, got ${describeValue(entryOrId)}`);
  return makeMemoryMap(typeof entry.id === "string" ? entry.id : "catalogue entry", "json", Array.from(entry.ranges, (range, i) => {
    const [start, end] = Array.isArray(range) ? range.map((v) => parseHexField(v, `${entry.id} ranges[${i}]`)) : [];
    if (start === undefined || end === undefined) throw new InvalidArgumentError("catalogueMap(entry)", `ranges[${i}] is not a pair of hex strings`);
    return { start, end, field: `ranges[${i}]` };
  }));
}

/** A "0x…" bound of an entry (entries may come from callers: never BigInt() arbitrary text). */
function parseHexField(v: unknown, where: string): bigint {
  if (typeof v === "string" && /^0x[0-9a-f]{1,17}$/i.test(v)) return BigInt(v);
  throw new InvalidArgumentError(where, `${describeValue(v)} is not a hex string like "0x80000000"`);
}
