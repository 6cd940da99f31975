// The WASM ABI. Every function takes the address of a context block (layout.ts);
// batches take addresses of u64 arrays in the same linear memory and one count, so a
// million conversions cost one call. Results of predicates in batches are u8 (0/1).
import {
  convert, convertBatch, convertBatchScalar, offsetBatch, offsetSelectPrepare, OFFSET_AUTO, OFFSET_LANES, OFFSET_LANES_CONST, OFFSET_SELECT, OFFSET_SWIZZLE, OP_DIRECTMAPOFF_TO_MADDR, SWZ_BYTE, SWZ_BYTE_EQ, SWZ_PAIR, OP_MADDR_TO_DIRECTMAPOFF, OP_PDX_TO_PFN, OP_PFN_TO_PDX,
} from "./pdx";
import { getPage, isRegionCompressible, mfnToPage, mfnValid, pageCount, pageToMfn, putPage } from "./frametable";

export * from "./layout";
export { OP_PFN_TO_PDX, OP_PDX_TO_PFN, OP_MADDR_TO_DIRECTMAPOFF, OP_DIRECTMAPOFF_TO_MADDR, OFFSET_AUTO, OFFSET_LANES, OFFSET_LANES_CONST, OFFSET_SELECT, OFFSET_SWIZZLE, SWZ_BYTE, SWZ_PAIR, SWZ_BYTE_EQ };

export function pfn_to_pdx(ctx: usize, pfn: u64): u64 { return convert(ctx, OP_PFN_TO_PDX, pfn); }
export function pdx_to_pfn(ctx: usize, pdx: u64): u64 { return convert(ctx, OP_PDX_TO_PFN, pdx); }
export function maddr_to_directmapoff(ctx: usize, maddr: u64): u64 { return convert(ctx, OP_MADDR_TO_DIRECTMAPOFF, maddr); }
export function directmapoff_to_maddr(ctx: usize, off: u64): u64 { return convert(ctx, OP_DIRECTMAPOFF_TO_MADDR, off); }
export function pdx_is_region_compressible(ctx: usize, base: u64, npages: u64): bool { return isRegionCompressible(ctx, base, npages); }
export function mfn_valid(ctx: usize, mfn: u64): bool { return mfnValid(ctx, mfn); }
export function mfn_to_page(ctx: usize, mfn: u64): u64 { return mfnToPage(ctx, mfn); }
export function page_to_mfn(ctx: usize, page: u64): u64 { return pageToMfn(ctx, page); }
export function get_page(ctx: usize, mfn: u64): i64 { return getPage(ctx, mfn); }
export function put_page(ctx: usize, mfn: u64): i64 { return putPage(ctx, mfn); }
export function page_count(ctx: usize, mfn: u64): i64 { return pageCount(ctx, mfn); }

/** Any of the four conversions over `n` u64 values: v128 kernels, or one at a time. */
export function convert_batch(ctx: usize, op: u32, src: usize, dst: usize, n: usize): void { convertBatch(ctx, op, src, dst, n); }
export function convert_batch_scalar(ctx: usize, op: u32, src: usize, dst: usize, n: usize): void { convertBatchScalar(ctx, op, src, dst, n); }
/** An offset-scheme batch with one v128 kernel (OFFSET_* in pdx.ts, for measurement and tests); returns the kernel that ran. */
export function offset_select_prepare(ctx: usize): void { offsetSelectPrepare(ctx); }
export function convert_batch_offset(ctx: usize, op: u32, src: usize, dst: usize, n: usize, variant: i32): i32 { return offsetBatch(ctx, op, src, dst, n, variant); }

/** `mfn_valid` over `n` MFNs into `n` bytes. */
export function mfn_valid_batch(ctx: usize, src: usize, dst: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u8>(dst + i, mfnValid(ctx, load<u64>(src + (i << 3))) ? 1 : 0);
}

/** `pdx_is_region_compressible` over `n` (base, npages) pairs into `n` bytes. */
export function region_compressible_batch(ctx: usize, bases: usize, npages: usize, dst: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u8>(dst + i, isRegionCompressible(ctx, load<u64>(bases + (i << 3)), load<u64>(npages + (i << 3))) ? 1 : 0);
}

/** `mfn_to_page` over a batch (frame-table indices out). */
export function mfn_to_page_batch(ctx: usize, src: usize, dst: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u64>(dst + (i << 3), mfnToPage(ctx, load<u64>(src + (i << 3))));
}

/** `page_to_mfn` over a batch. */
export function page_to_mfn_batch(ctx: usize, src: usize, dst: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u64>(dst + (i << 3), pageToMfn(ctx, load<u64>(src + (i << 3))));
}

/** get_page on each MFN; returns how many succeeded. */
export function get_page_batch(ctx: usize, src: usize, n: usize): u32 {
  let ok: u32 = 0;
  for (let i: usize = 0; i < n; i++) if (getPage(ctx, load<u64>(src + (i << 3))) >= 0) ok++;
  return ok;
}

/** put_page on each MFN; returns how many succeeded. */
export function put_page_batch(ctx: usize, src: usize, n: usize): u32 {
  let ok: u32 = 0;
  for (let i: usize = 0; i < n; i++) if (putPage(ctx, load<u64>(src + (i << 3))) >= 0) ok++;
  return ok;
}

/** First byte past the module's static data: where the TS engine starts carving regions. */
export function heap_base(): usize { return __heap_base; }
