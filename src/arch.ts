/**
 * Per-architecture numbers of Xen's PDX and frame-table code, in one place
 * (docs/notes/pdx.md §1, §2.1, §2.3, §5.1, §7.1). Everything else derives from these.
 */
import { checkArchProfile } from "./arch-check.js";
import { UsageError } from "./errors.js";
import type { SchemeName } from "./schemes.js";

export const ARCH_NAMES = ["x86-64", "x86-64-bigmem", "arm64", "arm32", "ppc64", "riscv64", "harness"] as const;
export type ArchName = (typeof ARCH_NAMES)[number];

export interface ArchProfile {
  readonly name: ArchName;
  readonly description: string;
  readonly pageShift: number;
  /** MAX_ORDER: low PFN bits compression never touches. */
  readonly maxOrder: number;
  /** sizeof(struct page_info) in bytes. */
  readonly pageInfoSize: number;
  /** Byte offset of `count_info` in page_info: it follows the list entry. */
  readonly countInfoOffset: number;
  /** Frame-table bytes mapped per PDX group: 2^PDX_GROUP_SHIFT / ISOLATE_LSB(sizeof(page_info)) records. */
  readonly pdxGroupShift: number;
  /** FRAMETABLE_SIZE: virtual space reserved for the frame table, in bytes. */
  readonly frametableSize: bigint;
  /** MAX_PFN_RANGES: RAM ranges setup accepts (x86 E820MAX, DT NR_MEM_BANKS, harness 16). */
  readonly maxPfnRanges: number;
  readonly defaultScheme: SchemeName;
  /** CONFIG_PDX_OFFSET_TBL_ORDER default. */
  readonly tableOrder: number;
  /** Widest physical address the arch can have; map values above it are rejected. */
  readonly physAddrBits: number;
  /**
   * The `base` handed to setup: x86 passes the first RAM range starting at or above
   * 4 GiB (and never compresses a host without one); the others pass 0.
   */
  readonly setupBase: "first-ram-at-or-above-4g" | "zero";
  /** x86 indexes `frame_table + pdx`; Arm, PPC and RISC-V start at the first RAM group. */
  readonly frametableBase: "pdx-zero" | "first-ram-group";
  /** Where the numbers come from. */
  readonly source: string;
}

/**
 * The reference-count bits of `page_info.count_info`: those below PGC_count_width =
 * BITS_PER_LONG − 10, with the 64-bit count_info the engine models for every arch. The
 * WASM reads it from the context block.
 */
export const PGC_COUNT_MASK = (1n << 54n) - 1n;

const GiB = 1n << 30n;
const MiB = 1n << 20n;

// Deliberately one literal per arch (duplicates pairs them by shape): each row is checked against its source.
export const ARCHES: Readonly<Record<ArchName, ArchProfile>> = {
  "x86-64": {
    name: "x86-64", description: "x86-64, default build (16 TiB frame table)",
    pageShift: 12, maxOrder: 20, pageInfoSize: 32, countInfoOffset: 8, pdxGroupShift: 21,
    frametableSize: 128n * GiB, maxPfnRanges: 1024, defaultScheme: "offset", tableOrder: 6, physAddrBits: 52,
    setupBase: "first-ram-at-or-above-4g", frametableBase: "pdx-zero",
    source: "xen/arch/x86/include/asm/{config,mm}.h; docs/notes/pdx.md §7.1",
  },
  "x86-64-bigmem": {
    name: "x86-64-bigmem", description: "x86-64 with CONFIG_BIGMEM (48-byte page_info)",
    pageShift: 12, maxOrder: 20, pageInfoSize: 48, countInfoOffset: 16, pdxGroupShift: 21,
    frametableSize: 1536n * GiB, maxPfnRanges: 1024, defaultScheme: "offset", tableOrder: 6, physAddrBits: 52,
    setupBase: "first-ram-at-or-above-4g", frametableBase: "pdx-zero",
    source: "xen/arch/x86/include/asm/{config,mm}.h; docs/notes/pdx.md §7.1",
  },
  arm64: {
    name: "arm64", description: "Arm64 (56-byte page_info, frame table from the first RAM group)",
    pageShift: 12, maxOrder: 18, pageInfoSize: 56, countInfoOffset: 16, pdxGroupShift: 21,
    frametableSize: 32n * GiB, maxPfnRanges: 256, defaultScheme: "mask", tableOrder: 6, physAddrBits: 48,
    setupBase: "zero", frametableBase: "first-ram-group",
    source: "xen/arch/arm/include/asm/{mm.h,mmu/layout.h}; docs/notes/pdx.md §7.1",
  },
  arm32: {
    name: "arm32", description: "Arm32 LPAE (96 MiB frame table)",
    pageShift: 12, maxOrder: 18, pageInfoSize: 32, countInfoOffset: 8, pdxGroupShift: 21,
    frametableSize: 96n * MiB, maxPfnRanges: 256, defaultScheme: "mask", tableOrder: 6, physAddrBits: 40,
    setupBase: "zero", frametableBase: "first-ram-group",
    source: "xen/arch/arm/include/asm/{mm.h,mmu/layout.h}; docs/notes/pdx.md §7.1",
  },
  ppc64: {
    name: "ppc64", description: "PowerPC 64 (64 KiB pages)",
    pageShift: 16, maxOrder: 18, pageInfoSize: 56, countInfoOffset: 16, pdxGroupShift: 21,
    frametableSize: 32n * GiB, maxPfnRanges: 256, defaultScheme: "mask", tableOrder: 6, physAddrBits: 56,
    setupBase: "zero", frametableBase: "first-ram-group",
    source: "docs/notes/pdx.md §5.1, §7.1; page_info 56 B counted from the field list in xen/arch/ppc/include/asm/mm.h; 56-bit PA assumed",
  },
  riscv64: {
    name: "riscv64", description: "RISC-V 64 (no compression by default)",
    pageShift: 12, maxOrder: 18, pageInfoSize: 48, countInfoOffset: 16, pdxGroupShift: 21,
    frametableSize: 3n * GiB, maxPfnRanges: 256, defaultScheme: "none", tableOrder: 6, physAddrBits: 56,
    setupBase: "zero", frametableBase: "first-ram-group",
    source: "docs/notes/pdx.md §5.1, §7.1 (page_info 48 B); 3 GiB frame table from the RISC-V layout patch on xen-devel; Sv57 56-bit PA",
  },
  harness: {
    name: "harness", description: "Xen's unit-test harness tools/tests/pdx (MAX_ORDER 18, base 0, 16 ranges)",
    pageShift: 12, maxOrder: 18, pageInfoSize: 32, countInfoOffset: 8, pdxGroupShift: 21,
    frametableSize: 1n << 64n, maxPfnRanges: 16, defaultScheme: "mask", tableOrder: 6, physAddrBits: 64,
    setupBase: "zero", frametableBase: "pdx-zero",
    source: "tools/tests/pdx/harness.h; docs/notes/pdx.md §6.1 (no frame table: page_info as x86-64, no size limit)",
  },
};

/** ISOLATE_LSB(x): the lowest set bit. */
const isolateLsb = (x: number) => x & -x;

/** PDX_GROUP_COUNT: PDXs per group, a power of two. */
export function pdxGroupCount(a: ArchProfile): bigint {
  checkArchProfile("arch", a);
  return (1n << BigInt(a.pdxGroupShift)) / BigInt(isolateLsb(a.pageInfoSize));
}

/** log2(PDX_GROUP_COUNT), for shifts. */
export function pdxGroupOrder(a: ArchProfile): number {
  return pdxGroupCount(a).toString(2).length - 1;
}

/** FRAMETABLE_NR: how many page_info records the frame table's virtual space holds. */
export function frametableNr(a: ArchProfile): bigint {
  checkArchProfile("arch", a);
  return a.frametableSize / BigInt(a.pageInfoSize);
}

export function archByName(name: string): ArchProfile | undefined {
  // Own names only: "__proto__" or "toString" must not reach Object.prototype.
  return (ARCH_NAMES as readonly string[]).includes(name) ? ARCHES[name as ArchName] : undefined;
}

/** An arch by name, or a checked custom profile; x86-64 when absent. */
export function resolveArch(arch: ArchName | ArchProfile | string | undefined): ArchProfile {
  if (arch === undefined) return archByName("x86-64")!;
  if (typeof arch !== "string") return checkArchProfile("arch", arch);
  const found = archByName(arch);
  if (!found) throw new UsageError(`unknown arch '${arch}'; choose one of ${ARCH_NAMES.join(", ")}`);
  return found;
}
