/** The knobs of PDX setup that differ between Xen builds (docs/notes/pdx.md §1, §2.3, §4.1). */
export interface SetupParams {
  /** Low PFN bits never compressed: 18 on Arm/PPC/RISC-V and in Xen's harness, 20 on x86. */
  readonly maxOrder: number;
  /** log2 of the page size: 12, or 16 on PPC. */
  readonly pageShift: number;
  /** CONFIG_PDX_OFFSET_TBL_ORDER, 0..9 (default 6: 64 table entries). */
  readonly tableOrder: number;
  /** MAX_PFN_RANGES: how many RAM ranges setup accepts. */
  readonly maxRanges: number;
  /** Byte address below which no bit may be compressed (x86: first RAM at or above 4 GiB; Arm: 0). */
  readonly base: bigint;
}

/** The CLI's bounds (`--max-order`, `--table-order`): Xen's Kconfig allows table orders 0..9. */
export const MAX_ORDER_RANGE = [1, 40] as const;
export const TABLE_ORDER_RANGE = [0, 9] as const;

/** A registered RAM range in page units, as `pfn_pdx_add_region` stores it. */
export interface PfnRange {
  readonly basePfn: bigint;
  readonly pages: bigint;
}

/** A half-open byte range [start, end). */
export interface ByteRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * `pfn_pdx_add_region`: the base rounds down to a page, the end rounds up, and an empty
 * range is ignored.
 */
export function toPfnRanges(ranges: readonly ByteRange[], pageShift: number): PfnRange[] {
  const shift = BigInt(pageShift);
  const pageMask = (1n << shift) - 1n;
  return ranges
    .filter((r) => r.end > r.start)
    .map((r) => {
      const basePfn = r.start >> shift;
      return { basePfn, pages: ((r.end + pageMask) >> shift) - basePfn };
    });
}
