// The context block: one Xen PDX configuration in linear memory, written by the TS
// engine (src/engine/context-block.ts) and read by every export. Each export takes the
// block's address, so several configurations (none/mask/offset) can live side by side
// in one shared memory and every worker reads the same bytes. Offsets are exported as
// globals; TS reads them from the instance and never restates them.
//
//   offset  size  field                  Xen name / meaning
//  ┌──────┬─────┬──────────────────────┬──────────────────────────────────────────┐
//  │    0 │   4 │ scheme               │ 0 none, 1 mask, 2 offset                 │
//  │    4 │   4 │ page_shift           │ PAGE_SHIFT                               │
//  │    8 │   8 │ bottom_mask          │ pfn_pdx_bottom_mask                      │
//  │   16 │   8 │ ma_va_bottom_mask    │ ma_va_bottom_mask                        │
//  │   24 │   8 │ top_mask             │ pfn_top_mask                             │
//  │   32 │   8 │ ma_top_mask          │ ma_top_mask                              │
//  │   40 │   8 │ hole_mask            │ pfn_hole_mask                            │
//  │   48 │   8 │ hole_shift           │ pfn_pdx_hole_shift                       │
//  │   56 │   8 │ pfn_index_shift      │ pfn_index_shift                          │
//  │   64 │   8 │ pdx_index_shift      │ pdx_index_shift                          │
//  │   72 │   8 │ region_size          │ pdx_region_size                          │
//  │   80 │   8 │ table_mask           │ CONFIG_PDX_NR_LOOKUP − 1                 │
//  │   88 │   8 │ max_page             │ max_page (mfn_valid bound)               │
//  │   96 │   8 │ frametable_base_pdx  │ first PDX of the frame table (Arm)       │
//  │  104 │   4 │ group_order          │ log2(PDX_GROUP_COUNT)                    │
//  │  108 │   4 │ page_info_size       │ sizeof(struct page_info)                 │
//  │  112 │   4 │ count_info_offset    │ offsetof(struct page_info, count_info)   │
//  │  116 │   4 │ group_bitmap         │ address of pdx_group_valid (1 bit/group) │
//  │  120 │   4 │ group_chunks         │ address of u32[group_limit]: the backing │
//  │      │     │                      │ of each group's page_info, 0 = unbacked  │
//  │  124 │   4 │ group_limit          │ groups covered by bitmap and chunks      │
//  │  128 │4096 │ pfn_pdx_lookup[512]  │ indexed by PFN table slot                │
//  │ 4224 │4096 │ pdx_pfn_lookup[512]  │ indexed by region ordinal                │
//  │ 8320 │4096 │ pfn_bases[512]       │ indexed by PFN table slot                │
//  │12416 │  16 │ select_runs[4]       │ u32 per OP: runs k of the compare-and-   │
//  │      │     │                      │ select offset kernel, 0 = does not apply │
//  │12432 │ 512 │ select[4]            │ per OP: keep, bound[1..7], step[0..7]    │
//  │      │     │                      │ (u64 each; pdx.ts offsetSelectPrepare)   │
//  │12944 │4096 │ ma_pfn_pdx_lookup    │ pfn_pdx_lookup << PAGE_SHIFT (same)      │
//  │17040 │4096 │ ma_pdx_pfn_lookup    │ pdx_pfn_lookup << PAGE_SHIFT (same)      │
//  └──────┴─────┴──────────────────────┴──────────────────────────────────────────┘
// Tables are sized for the largest table order Xen allows (9); table_mask selects.

export const SCHEME_NONE: u32 = 0;
export const SCHEME_MASK: u32 = 1;
export const SCHEME_OFFSET: u32 = 2;

export const CTX_SCHEME: u32 = 0;
export const CTX_PAGE_SHIFT: u32 = 4;
export const CTX_BOTTOM_MASK: u32 = 8;
export const CTX_MA_VA_BOTTOM_MASK: u32 = 16;
export const CTX_TOP_MASK: u32 = 24;
export const CTX_MA_TOP_MASK: u32 = 32;
export const CTX_HOLE_MASK: u32 = 40;
export const CTX_HOLE_SHIFT: u32 = 48;
export const CTX_PFN_INDEX_SHIFT: u32 = 56;
export const CTX_PDX_INDEX_SHIFT: u32 = 64;
export const CTX_REGION_SIZE: u32 = 72;
export const CTX_TABLE_MASK: u32 = 80;
export const CTX_MAX_PAGE: u32 = 88;
export const CTX_FRAMETABLE_BASE_PDX: u32 = 96;
export const CTX_GROUP_ORDER: u32 = 104;
export const CTX_PAGE_INFO_SIZE: u32 = 108;
export const CTX_COUNT_INFO_OFFSET: u32 = 112;
export const CTX_GROUP_BITMAP: u32 = 116;
export const CTX_GROUP_CHUNKS: u32 = 120;
export const CTX_GROUP_LIMIT: u32 = 124;
export const CTX_TABLE_ENTRIES: u32 = 512;
export const CTX_PFN_PDX_LOOKUP: u32 = 128;
export const CTX_PDX_PFN_LOOKUP: u32 = CTX_PFN_PDX_LOOKUP + CTX_TABLE_ENTRIES * 8;
export const CTX_PFN_BASES: u32 = CTX_PDX_PFN_LOOKUP + CTX_TABLE_ENTRIES * 8;
export const CTX_SELECT_RUNS: u32 = CTX_PFN_BASES + CTX_TABLE_ENTRIES * 8;
export const CTX_SELECT: u32 = CTX_SELECT_RUNS + 16;
export const CTX_SELECT_BYTES: u32 = 128; // per OP: 16 u64
export const CTX_MA_PFN_PDX_LOOKUP: u32 = CTX_SELECT + 4 * CTX_SELECT_BYTES;
export const CTX_MA_PDX_PFN_LOOKUP: u32 = CTX_MA_PFN_PDX_LOOKUP + CTX_TABLE_ENTRIES * 8;
export const CTX_SIZE: u32 = CTX_MA_PDX_PFN_LOOKUP + CTX_TABLE_ENTRIES * 8;

// Result codes of the refcount operations (negative so they never collide with a count).
export const PAGE_UNBACKED: i64 = -1;
export const PAGE_COUNT_OVERFLOW: i64 = -2;
export const PAGE_COUNT_UNDERFLOW: i64 = -3;
// count_info's reference count: the bits below PGC_count_width = BITS_PER_LONG − 10.
export const PGC_COUNT_MASK: u64 = (<u64>1 << 54) - 1;

// @ts-ignore: decorator
@inline export function ctxU32(ctx: usize, field: u32): u32 { return load<u32>(ctx + field); }
// @ts-ignore: decorator
@inline export function ctxU64(ctx: usize, field: u32): u64 { return load<u64>(ctx + field); }
