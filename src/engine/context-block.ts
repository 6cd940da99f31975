/**
 * Writes a Platform (the result of PDX setup) into a context block in linear memory,
 * at the offsets the WASM module exports (assembly/layout.ts draws the block).
 */
import { PGC_COUNT_MASK, pdxGroupOrder } from "../arch.js";
import { U64_MAX } from "../pdx/bits.js";
import type { Platform } from "../pdx/platform.js";
import type { Layout } from "./abi.js";
import { EngineCapacityError } from "./errors.js";
import type { LinearMemory } from "./linear-memory.js";

/** A group bitmap larger than this (2^28 groups = 32 MiB) is not materialised. */
const MAX_BITMAP_GROUPS = 1n << 28n;

export interface ContextBlock {
  readonly ctx: number;
  /** The group bitmap's address and size in bytes. */
  readonly bitmap: number;
  readonly bitmapBytes: number;
  /** Groups covered by the bitmap: ceil(max_pdx / PDX_GROUP_COUNT). */
  readonly groupLimit: number;
}

export function writeContextBlock(mem: LinearMemory, layout: Layout, p: Platform): ContextBlock {
  const ctx = mem.alloc(layout.CTX_SIZE, "a PDX context block", 64);
  const limit = (p.maxPdx + p.groupCount - 1n) / p.groupCount;
  if (limit > MAX_BITMAP_GROUPS)
    throw new EngineCapacityError(`the ${p.scheme} PDX space spans ${limit} groups (max_pdx 0x${p.maxPdx.toString(16)}); the engine models at most ${MAX_BITMAP_GROUPS} groups (a 32 MiB bitmap) — report sizes are still exact`);
  const groupLimit = Number(limit);
  const bitmapBytes = Math.ceil(groupLimit / 32) * 4;
  const bitmap = mem.alloc(bitmapBytes, "the PDX group bitmap", 8);
  const u32 = mem.u32;
  for (const g of p.groups) setBits(u32, bitmap >> 2, Number(g.start), Math.min(Number(g.end), groupLimit));

  const u64 = mem.u64;
  const set64 = (field: number, v: bigint) => { u64[(ctx + field) / 8] = v & U64_MAX; };
  const set32 = (field: number, v: number) => { u32[(ctx + field) / 4] = v; };
  const s = p.state;
  const schemeCode = { none: layout.SCHEME_NONE, mask: layout.SCHEME_MASK, offset: layout.SCHEME_OFFSET }[s.scheme];
  set32(layout.CTX_SCHEME, schemeCode);
  set32(layout.CTX_PAGE_SHIFT, s.pageShift);
  set64(layout.CTX_MAX_PAGE, p.maxPage);
  set64(layout.CTX_FRAMETABLE_BASE_PDX, p.frametableBasePdx);
  set32(layout.CTX_GROUP_ORDER, pdxGroupOrder(p.arch));
  set32(layout.CTX_PAGE_INFO_SIZE, p.arch.pageInfoSize);
  set32(layout.CTX_COUNT_INFO_OFFSET, p.arch.countInfoOffset);
  set64(layout.CTX_PGC_COUNT_MASK, PGC_COUNT_MASK);
  set32(layout.CTX_GROUP_BITMAP, bitmap);
  set32(layout.CTX_GROUP_CHUNKS, 0);
  set32(layout.CTX_GROUP_LIMIT, groupLimit);
  if (s.scheme === "mask") {
    set64(layout.CTX_BOTTOM_MASK, s.pfnPdxBottomMask);
    set64(layout.CTX_MA_VA_BOTTOM_MASK, s.maVaBottomMask);
    set64(layout.CTX_TOP_MASK, s.pfnTopMask);
    set64(layout.CTX_MA_TOP_MASK, s.maTopMask);
    set64(layout.CTX_HOLE_MASK, s.pfnHoleMask);
    set64(layout.CTX_HOLE_SHIFT, BigInt(s.pfnPdxHoleShift));
  } else if (s.scheme === "offset") {
    if (s.pfnPdxLookup.length > layout.CTX_TABLE_ENTRIES)
      throw new EngineCapacityError(`table order ${s.tableOrder} needs ${s.pfnPdxLookup.length} entries; the engine holds ${layout.CTX_TABLE_ENTRIES} (Xen allows order 0..9)`);
    set64(layout.CTX_PFN_INDEX_SHIFT, BigInt(s.pfnIndexShift));
    set64(layout.CTX_PDX_INDEX_SHIFT, BigInt(s.pdxIndexShift));
    set64(layout.CTX_REGION_SIZE, s.pdxRegionSize);
    set64(layout.CTX_TABLE_MASK, BigInt(s.pfnPdxLookup.length - 1));
    s.pfnPdxLookup.forEach((v, i) => set64(layout.CTX_PFN_PDX_LOOKUP + 8 * i, v));
    s.pdxPfnLookup.forEach((v, i) => set64(layout.CTX_PDX_PFN_LOOKUP + 8 * i, v));
    s.pfnBases.forEach((v, i) => set64(layout.CTX_PFN_BASES + 8 * i, v));
  }
  return { ctx, groupLimit, bitmap, bitmapBytes };
}

/** Sets bits [from, to) of the bitmap at word index `base`, whole words at a time where it can. */
function setBits(u32: Uint32Array, base: number, from: number, to: number): void {
  let i = from;
  for (; i < to && (i & 31) !== 0; i++) u32[base + (i >> 5)] |= 1 << (i & 31);
  const wholeEnd = to & ~31;
  if (i < wholeEnd) { u32.fill(0xffffffff, base + (i >> 5), base + (wholeEnd >> 5)); i = wholeEnd; }
  for (; i < to; i++) u32[base + (i >> 5)] |= 1 << (i & 31);
}
