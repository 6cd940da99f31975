// The context block: one Xen PDX configuration in linear memory, written by the TS
// engine (src/engine/context-block.ts) and read by every export. Each export takes the
// block's address, so several configurations (none/mask/offset) can live side by side
// in one shared memory and every worker reads the same bytes. Offsets are derived with
// offsetof over the @unmanaged classes below (as AssemblyScript's std lays out its own
// headers) and exported as globals; TS reads them from the instance and never restates them.
//
//   size  field                  Xen name / meaning
//  ┌─────┬──────────────────────┬──────────────────────────────────────────┐
//  │   4 │ scheme               │ 0 none, 1 mask, 2 offset                 │
//  │   4 │ page_shift           │ PAGE_SHIFT                               │
//  │   8 │ bottom_mask          │ pfn_pdx_bottom_mask                      │
//  │   8 │ ma_va_bottom_mask    │ ma_va_bottom_mask                        │
//  │   8 │ top_mask             │ pfn_top_mask                             │
//  │   8 │ ma_top_mask          │ ma_top_mask                              │
//  │   8 │ hole_mask            │ pfn_hole_mask                            │
//  │   8 │ hole_shift           │ pfn_pdx_hole_shift                       │
//  │   8 │ pfn_index_shift      │ pfn_index_shift                          │
//  │   8 │ pdx_index_shift      │ pdx_index_shift                          │
//  │   8 │ region_size          │ pdx_region_size                          │
//  │   8 │ table_mask           │ CONFIG_PDX_NR_LOOKUP − 1                 │
//  │   8 │ max_page             │ max_page (mfn_valid bound)               │
//  │   8 │ frametable_base_pdx  │ first PDX of the frame table (Arm)       │
//  │   4 │ group_order          │ log2(PDX_GROUP_COUNT)                    │
//  │   4 │ page_info_size       │ sizeof(struct page_info)                 │
//  │   4 │ count_info_offset    │ offsetof(struct page_info, count_info)   │
//  │   4 │ group_bitmap         │ address of pdx_group_valid (1 bit/group) │
//  │   4 │ group_chunks         │ address of u32[group_limit]: the backing │
//  │     │                      │ of each group's page_info, 0 = unbacked  │
//  │   4 │ group_limit          │ groups covered by bitmap and chunks      │
//  │   8 │ pgc_count_mask       │ count_info's reference-count bits (arch, │
//  │     │                      │ PGC_COUNT_MASK in src/arch.ts)           │
//  │4096 │ pfn_pdx_lookup[512]  │ indexed by PFN table slot                │
//  │4096 │ pdx_pfn_lookup[512]  │ indexed by region ordinal                │
//  │4096 │ pfn_bases[512]       │ indexed by PFN table slot                │
//  │  16 │ select_runs[4]       │ u32 per OP: runs k of the compare-and-   │
//  │     │                      │ select offset kernel, 0 = does not apply │
//  │ 512 │ select[4]            │ per OP: keep, bound[1..7], step[0..7]    │
//  │     │                      │ (u64 each; pdx.ts offsetSelectPrepare)   │
//  │4096 │ ma_pfn_pdx_lookup    │ pfn_pdx_lookup << PAGE_SHIFT (same)      │
//  │4096 │ ma_pdx_pfn_lookup    │ pdx_pfn_lookup << PAGE_SHIFT (same)      │
//  │ 512 │ swizzle[4]           │ per OP: index shift, shape (u32 ×4), then│
//  │     │                      │ v128: index mask, window start A0, A1,   │
//  │     │                      │ table P0, P1 (pdx.ts offsetSwizzle-      │
//  │     │                      │ Prepare); 16-byte aligned, 128 B per OP  │
//  └─────┴──────────────────────┴──────────────────────────────────────────┘
// Tables are sized for the largest table order Xen allows (9); table_mask selects.

export const SCHEME_NONE: u32 = 0;
export const SCHEME_MASK: u32 = 1;
export const SCHEME_OFFSET: u32 = 2;

export const CTX_TABLE_ENTRIES: u32 = 512;
export const CTX_SELECT_BYTES: u32 = 128; // per OP: 16 u64
export const CTX_SWIZZLE_BYTES: u32 = 128; // per OP: 16 bytes of u32s, then 5 v128 (room for 7)

// The scalar header, field for field as drawn above (never instantiated: offsets only).
@unmanaged class ContextHeader {
  scheme: u32; page_shift: u32;
  bottom_mask: u64; ma_va_bottom_mask: u64; top_mask: u64; ma_top_mask: u64; hole_mask: u64; hole_shift: u64;
  pfn_index_shift: u64; pdx_index_shift: u64; region_size: u64; table_mask: u64;
  max_page: u64; frametable_base_pdx: u64;
  group_order: u32; page_info_size: u32; count_info_offset: u32;
  group_bitmap: u32; group_chunks: u32; group_limit: u32;
  pgc_count_mask: u64;
}

export const CTX_SCHEME: u32 = offsetof<ContextHeader>("scheme");
export const CTX_PAGE_SHIFT: u32 = offsetof<ContextHeader>("page_shift");
export const CTX_BOTTOM_MASK: u32 = offsetof<ContextHeader>("bottom_mask");
export const CTX_MA_VA_BOTTOM_MASK: u32 = offsetof<ContextHeader>("ma_va_bottom_mask");
export const CTX_TOP_MASK: u32 = offsetof<ContextHeader>("top_mask");
export const CTX_MA_TOP_MASK: u32 = offsetof<ContextHeader>("ma_top_mask");
export const CTX_HOLE_MASK: u32 = offsetof<ContextHeader>("hole_mask");
export const CTX_HOLE_SHIFT: u32 = offsetof<ContextHeader>("hole_shift");
export const CTX_PFN_INDEX_SHIFT: u32 = offsetof<ContextHeader>("pfn_index_shift");
export const CTX_PDX_INDEX_SHIFT: u32 = offsetof<ContextHeader>("pdx_index_shift");
export const CTX_REGION_SIZE: u32 = offsetof<ContextHeader>("region_size");
export const CTX_TABLE_MASK: u32 = offsetof<ContextHeader>("table_mask");
export const CTX_MAX_PAGE: u32 = offsetof<ContextHeader>("max_page");
export const CTX_FRAMETABLE_BASE_PDX: u32 = offsetof<ContextHeader>("frametable_base_pdx");
export const CTX_GROUP_ORDER: u32 = offsetof<ContextHeader>("group_order");
export const CTX_PAGE_INFO_SIZE: u32 = offsetof<ContextHeader>("page_info_size");
export const CTX_COUNT_INFO_OFFSET: u32 = offsetof<ContextHeader>("count_info_offset");
export const CTX_GROUP_BITMAP: u32 = offsetof<ContextHeader>("group_bitmap");
export const CTX_GROUP_CHUNKS: u32 = offsetof<ContextHeader>("group_chunks");
export const CTX_GROUP_LIMIT: u32 = offsetof<ContextHeader>("group_limit");
export const CTX_PGC_COUNT_MASK: u32 = offsetof<ContextHeader>("pgc_count_mask");
// The tables follow the header, each CTX_TABLE_ENTRIES u64.
const TABLE_BYTES: u32 = CTX_TABLE_ENTRIES * sizeof<u64>();
export const CTX_PFN_PDX_LOOKUP: u32 = offsetof<ContextHeader>();
export const CTX_PDX_PFN_LOOKUP: u32 = CTX_PFN_PDX_LOOKUP + TABLE_BYTES;
export const CTX_PFN_BASES: u32 = CTX_PDX_PFN_LOOKUP + TABLE_BYTES;
export const CTX_SELECT_RUNS: u32 = CTX_PFN_BASES + TABLE_BYTES;
export const CTX_SELECT: u32 = CTX_SELECT_RUNS + 4 * sizeof<u32>();
export const CTX_MA_PFN_PDX_LOOKUP: u32 = CTX_SELECT + 4 * CTX_SELECT_BYTES;
export const CTX_MA_PDX_PFN_LOOKUP: u32 = CTX_MA_PFN_PDX_LOOKUP + TABLE_BYTES;
export const CTX_SWIZZLE: u32 = (CTX_MA_PDX_PFN_LOOKUP + TABLE_BYTES + 15) & ~15; // v128-aligned (the block is 64-byte aligned)
export const CTX_SIZE: u32 = CTX_SWIZZLE + 4 * CTX_SWIZZLE_BYTES;

// Result codes of the refcount operations (negative so they never collide with a count).
export const PAGE_UNBACKED: i64 = -1;
export const PAGE_COUNT_OVERFLOW: i64 = -2;
export const PAGE_COUNT_UNDERFLOW: i64 = -3;

// @ts-ignore: decorator
@inline export function ctxU32(ctx: usize, field: u32): u32 { return load<u32>(ctx + field); }
// @ts-ignore: decorator
@inline export function ctxU64(ctx: usize, field: u32): u64 { return load<u64>(ctx + field); }
