// Validity, compressibility and the frame table (docs/notes/pdx.md §2.4, §3.4, §4.4, §7).
//
// Xen's frame table is one virtual array of page_info indexed by PDX and backed by
// the MMU only where a PDX group holds RAM. Linear memory has no MMU, so each group's
// backing is found through `group_chunks` (u32 address per group, 0 = unbacked): the
// software form of the frame table's page-table walk. A page is named by its frame
// table index, PDX − frametable_base_pdx, which is what Xen's `page − frame_table` is.
import {
  ctxU32, ctxU64, CTX_COUNT_INFO_OFFSET, CTX_FRAMETABLE_BASE_PDX, CTX_GROUP_BITMAP, CTX_GROUP_CHUNKS, CTX_GROUP_LIMIT,
  CTX_GROUP_ORDER, CTX_HOLE_MASK, CTX_MA_VA_BOTTOM_MASK, CTX_MAX_PAGE, CTX_PAGE_INFO_SIZE, CTX_PAGE_SHIFT,
  CTX_PFN_BASES, CTX_PFN_INDEX_SHIFT, CTX_REGION_SIZE, CTX_SCHEME, CTX_TABLE_MASK, PAGE_COUNT_OVERFLOW,
  PAGE_COUNT_UNDERFLOW, PAGE_UNBACKED, CTX_PGC_COUNT_MASK, SCHEME_MASK, SCHEME_OFFSET,
} from "./layout";
import { convert, OP_PDX_TO_PFN, OP_PFN_TO_PDX } from "./pdx";

/** The offset-mode slot base for a PFN (`pfn_bases[PFN_TBL_IDX(pfn)]`). */
// @ts-ignore: decorator
@inline function slotBase(ctx: usize, pfn: u64): u64 {
  const idx = (pfn >> ctxU64(ctx, CTX_PFN_INDEX_SHIFT)) & ctxU64(ctx, CTX_TABLE_MASK);
  return load<u64>(ctx + CTX_PFN_BASES + (<usize>idx << 3));
}

/** The moving bits of the inclusive range [base, base + len − 1] (pdx_region_mask). */
// @ts-ignore: decorator
@inline function regionMask(base: u64, len: u64): u64 {
  const x = base ^ (base + len - 1);
  return x == 0 ? 0 : (<u64>-1) >> clz<u64>(x);
}

/** Whether `npages` pages from byte address `base` translate as one block. */
export function isRegionCompressible(ctx: usize, base: u64, npages: u64): bool {
  const shift = <u64>ctxU32(ctx, CTX_PAGE_SHIFT);
  const pfn = base >> shift;
  const scheme = ctxU32(ctx, CTX_SCHEME);
  if (scheme == SCHEME_MASK)
    return (pfn & ctxU64(ctx, CTX_HOLE_MASK)) == 0 && (regionMask(base, npages << shift) & ~ctxU64(ctx, CTX_MA_VA_BOTTOM_MASK)) == 0;
  if (scheme == SCHEME_OFFSET) {
    const b = slotBase(ctx, pfn);
    return pfn >= b && pfn + npages <= b + ctxU64(ctx, CTX_REGION_SIZE);
  }
  return true;
}

/** The compression part of `__mfn_valid`. */
// @ts-ignore: decorator
@inline function inScheme(ctx: usize, mfn: u64): bool {
  const scheme = ctxU32(ctx, CTX_SCHEME);
  if (scheme == SCHEME_MASK) return (mfn & ctxU64(ctx, CTX_HOLE_MASK)) == 0;
  if (scheme == SCHEME_OFFSET) {
    const b = slotBase(ctx, mfn);
    return b <= mfn && mfn < b + ctxU64(ctx, CTX_REGION_SIZE);
  }
  return true;
}

// @ts-ignore: decorator
@inline function groupOf(ctx: usize, pdx: u64): u64 { return pdx >> ctxU32(ctx, CTX_GROUP_ORDER); }

/** `__mfn_valid`: below max_page, allowed by the scheme, at or above the frame table's first PDX, group valid. */
export function mfnValid(ctx: usize, mfn: u64): bool {
  if (mfn >= ctxU64(ctx, CTX_MAX_PAGE) || !inScheme(ctx, mfn)) return false;
  const pdx = convert(ctx, OP_PFN_TO_PDX, mfn);
  if (pdx < ctxU64(ctx, CTX_FRAMETABLE_BASE_PDX)) return false;
  const group = groupOf(ctx, pdx);
  if (group >= <u64>ctxU32(ctx, CTX_GROUP_LIMIT)) return false;
  const word = load<u32>(<usize>ctxU32(ctx, CTX_GROUP_BITMAP) + (<usize>(group >> 5) << 2));
  return ((word >> <u32>(group & 31)) & 1) != 0;
}

/** `mfn_to_page`: the frame-table index of an MFN (not checked: use mfnValid first). */
export function mfnToPage(ctx: usize, mfn: u64): u64 {
  return convert(ctx, OP_PFN_TO_PDX, mfn) - ctxU64(ctx, CTX_FRAMETABLE_BASE_PDX);
}

/** `page_to_mfn`: the MFN of a frame-table index. */
export function pageToMfn(ctx: usize, page: u64): u64 {
  return convert(ctx, OP_PDX_TO_PFN, page + ctxU64(ctx, CTX_FRAMETABLE_BASE_PDX));
}

/** Address of the page_info record of an MFN, or 0 where its group is not backed. */
export function pageInfoAddress(ctx: usize, mfn: u64): usize {
  const pdx = convert(ctx, OP_PFN_TO_PDX, mfn);
  const group = groupOf(ctx, pdx);
  if (group >= <u64>ctxU32(ctx, CTX_GROUP_LIMIT)) return 0;
  // No directory yet (nothing backed): address 0 is not a directory, never read through it.
  const directory = <usize>ctxU32(ctx, CTX_GROUP_CHUNKS);
  if (directory == 0) return 0;
  const chunk = <usize>load<u32>(directory + (<usize>group << 2));
  if (chunk == 0) return 0;
  const inGroup = pdx & ((<u64>1 << ctxU32(ctx, CTX_GROUP_ORDER)) - 1);
  return chunk + <usize>inGroup * <usize>ctxU32(ctx, CTX_PAGE_INFO_SIZE);
}

// @ts-ignore: decorator
@inline function countInfo(ctx: usize, mfn: u64): usize {
  const record = pageInfoAddress(ctx, mfn);
  return record == 0 ? 0 : record + ctxU32(ctx, CTX_COUNT_INFO_OFFSET);
}

/**
 * Moves the count in count_info by one with a compare-and-swap loop, so two threads never
 * lose an update. `up` refuses to carry the count into the flag bits above it, down refuses
 * to go below zero. Returns the new count, or PAGE_UNBACKED / `refused`.
 */
// @ts-ignore: decorator
@inline function moveCount(ctx: usize, mfn: u64, up: bool, refused: i64): i64 {
  const p = countInfo(ctx, mfn);
  if (p == 0) return PAGE_UNBACKED;
  const countMask = ctxU64(ctx, CTX_PGC_COUNT_MASK);
  const stop = up ? countMask : 0;
  const delta: u64 = up ? 1 : <u64>-1; // adding 2^64 - 1 wraps to subtracting one
  let old = atomic.load<u64>(p);
  for (;;) {
    if ((old & countMask) == stop) return refused;
    const seen = atomic.cmpxchg<u64>(p, old, old + delta);
    if (seen == old) break;
    old = seen;
  }
  return <i64>((old + delta) & countMask);
}

/** `get_page`'s reference. Returns the new count, or PAGE_UNBACKED / PAGE_COUNT_OVERFLOW. */
export function getPage(ctx: usize, mfn: u64): i64 {
  return moveCount(ctx, mfn, true, PAGE_COUNT_OVERFLOW);
}

/** `put_page`'s release. Returns the new count, or PAGE_UNBACKED / PAGE_COUNT_UNDERFLOW. */
export function putPage(ctx: usize, mfn: u64): i64 {
  return moveCount(ctx, mfn, false, PAGE_COUNT_UNDERFLOW);
}

/** The reference count of an MFN's page, or PAGE_UNBACKED. */
export function pageCount(ctx: usize, mfn: u64): i64 {
  const p = countInfo(ctx, mfn);
  return p == 0 ? PAGE_UNBACKED : <i64>(atomic.load<u64>(p) & ctxU64(ctx, CTX_PGC_COUNT_MASK));
}
