// PFN ⇄ PDX and maddr ⇄ directmap-offset conversions for Xen's three schemes
// (research/pdx.md §3.3, §4.3, §5.2), scalar and in batches over linear memory.
//
// The four conversions come in two shapes per scheme, so one kernel serves each shape:
//   mask,   towards PDX space:   (x & low) | ((x & high) >> W)
//   mask,   towards PFN space:   (x & low) | ((x << W) & high)
//   offset, towards PDX space:   x − (table[(x >> s) & m] << scale)
//   offset, towards PFN space:   x + (table[(x >> s) & m] << scale)
// where maddr/directmap forms use the ma_* masks, or the same tables with the index
// shift and scale raised by PAGE_SHIFT.
import {
  ctxU32, ctxU64, CTX_BOTTOM_MASK, CTX_HOLE_SHIFT, CTX_MA_TOP_MASK, CTX_MA_VA_BOTTOM_MASK, CTX_PAGE_SHIFT,
  CTX_PDX_INDEX_SHIFT, CTX_PDX_PFN_LOOKUP, CTX_PFN_INDEX_SHIFT, CTX_PFN_PDX_LOOKUP, CTX_SCHEME, CTX_TABLE_MASK,
  CTX_TOP_MASK, SCHEME_MASK, SCHEME_OFFSET,
} from "./layout";
import { maskBatchConstW } from "./mask-dispatch.generated";

export const OP_PFN_TO_PDX: u32 = 0;
export const OP_PDX_TO_PFN: u32 = 1;
export const OP_MADDR_TO_DIRECTMAPOFF: u32 = 2;
export const OP_DIRECTMAPOFF_TO_MADDR: u32 = 3;

// @ts-ignore: decorator
@inline function towardsPdx(op: u32): bool { return (op & 1) == 0; }
// @ts-ignore: decorator
@inline function onAddresses(op: u32): bool { return op >= 2; }

// @ts-ignore: decorator
@inline function maskLow(ctx: usize, op: u32): u64 { return ctxU64(ctx, onAddresses(op) ? CTX_MA_VA_BOTTOM_MASK : CTX_BOTTOM_MASK); }
// @ts-ignore: decorator
@inline function maskHigh(ctx: usize, op: u32): u64 { return ctxU64(ctx, onAddresses(op) ? CTX_MA_TOP_MASK : CTX_TOP_MASK); }
// @ts-ignore: decorator
@inline function offsetTable(ctx: usize, op: u32): usize { return ctx + (towardsPdx(op) ? CTX_PFN_PDX_LOOKUP : CTX_PDX_PFN_LOOKUP); }
// @ts-ignore: decorator
@inline function offsetScale(ctx: usize, op: u32): u64 { return onAddresses(op) ? <u64>ctxU32(ctx, CTX_PAGE_SHIFT) : 0; }
// @ts-ignore: decorator
@inline function offsetShift(ctx: usize, op: u32): u64 {
  return ctxU64(ctx, towardsPdx(op) ? CTX_PFN_INDEX_SHIFT : CTX_PDX_INDEX_SHIFT) + offsetScale(ctx, op);
}

// ── scalar ──────────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function maskOne(x: u64, low: u64, high: u64, w: u64, toPdx: bool): u64 {
  return toPdx ? (x & low) | ((x & high) >> w) : (x & low) | ((x << w) & high);
}

// @ts-ignore: decorator
@inline function offsetOne(x: u64, table: usize, shift: u64, mask: u64, scale: u64, toPdx: bool): u64 {
  const delta = load<u64>(table + (<usize>((x >> shift) & mask) << 3)) << scale;
  return toPdx ? x - delta : x + delta;
}

/** One conversion, reading the configuration at `ctx` as Xen reads its globals. */
export function convert(ctx: usize, op: u32, x: u64): u64 {
  const scheme = ctxU32(ctx, CTX_SCHEME);
  if (scheme == SCHEME_MASK) return maskOne(x, maskLow(ctx, op), maskHigh(ctx, op), ctxU64(ctx, CTX_HOLE_SHIFT), towardsPdx(op));
  if (scheme == SCHEME_OFFSET)
    return offsetOne(x, offsetTable(ctx, op), offsetShift(ctx, op), ctxU64(ctx, CTX_TABLE_MASK), offsetScale(ctx, op), towardsPdx(op));
  return x;
}

/** A batch, one item at a time with the parameters hoisted: the scalar baseline. */
export function convertBatchScalar(ctx: usize, op: u32, src: usize, dst: usize, n: usize): void {
  const scheme = ctxU32(ctx, CTX_SCHEME);
  const end = src + (n << 3);
  if (scheme == SCHEME_MASK) {
    const low = maskLow(ctx, op), high = maskHigh(ctx, op), w = ctxU64(ctx, CTX_HOLE_SHIFT);
    if (towardsPdx(op)) for (; src < end; src += 8, dst += 8) store<u64>(dst, maskOne(load<u64>(src), low, high, w, true));
    else for (; src < end; src += 8, dst += 8) store<u64>(dst, maskOne(load<u64>(src), low, high, w, false));
  } else if (scheme == SCHEME_OFFSET) {
    const table = offsetTable(ctx, op), shift = offsetShift(ctx, op), mask = ctxU64(ctx, CTX_TABLE_MASK), scale = offsetScale(ctx, op);
    if (towardsPdx(op)) for (; src < end; src += 8, dst += 8) store<u64>(dst, offsetOne(load<u64>(src), table, shift, mask, scale, true));
    else for (; src < end; src += 8, dst += 8) store<u64>(dst, offsetOne(load<u64>(src), table, shift, mask, scale, false));
  } else {
    memory.copy(dst, src, n << 3);
  }
}

// ── v128 ────────────────────────────────────────────────────────────────────────
// V8 neither hoists splats out of loops nor unrolls (research/toolchain.md §7), so the
// mask kernel is unrolled 4× by hand; offset has no gather, so lanes are extracted and
// loaded with load64_zero + load64_lane.

// @ts-ignore: decorator
@inline function maskVec(v: v128, low: v128, high: v128, w: i32, toPdx: bool): v128 {
  return toPdx
    ? v128.or(v128.and(v, low), i64x2.shr_u(v128.and(v, high), w))
    : v128.or(v128.and(v, low), v128.and(i64x2.shl(v, w), high));
}

// @ts-ignore: decorator
@inline export function maskBatchVec(src: usize, dst: usize, n: usize, lo: u64, hi: u64, w: i32, toPdx: bool): void {
  const low = i64x2.splat(lo), high = i64x2.splat(hi);
  const bulkEnd = src + ((n & ~(<usize>7)) << 3);
  for (; src < bulkEnd; src += 64, dst += 64) {
    v128.store(dst, maskVec(v128.load(src), low, high, w, toPdx));
    v128.store(dst, maskVec(v128.load(src, 16), low, high, w, toPdx), 16);
    v128.store(dst, maskVec(v128.load(src, 32), low, high, w, toPdx), 32);
    v128.store(dst, maskVec(v128.load(src, 48), low, high, w, toPdx), 48);
  }
  for (let tail = n & 7; tail > 0; tail--, src += 8, dst += 8) store<u64>(dst, maskOne(load<u64>(src), lo, hi, <u64>w, toPdx));
}

// @ts-ignore: decorator
@inline function offsetVec(v: v128, table: usize, shift: i32, mask: v128, scale: i32, toPdx: bool): v128 {
  const idx = v128.and(i64x2.shr_u(v, shift), mask);
  let delta = v128.load64_zero(table + (<usize>i32x4.extract_lane(idx, 0) << 3));
  delta = v128.load64_lane(table + (<usize>i32x4.extract_lane(idx, 2) << 3), delta, 1);
  delta = i64x2.shl(delta, scale);
  return toPdx ? i64x2.sub(v, delta) : i64x2.add(v, delta);
}

// @ts-ignore: decorator
@inline function offsetBatchVec(src: usize, dst: usize, n: usize, table: usize, shift: i32, m: u64, scale: i32, toPdx: bool): void {
  const mask = i64x2.splat(m);
  const bulkEnd = src + ((n & ~(<usize>7)) << 3);
  for (; src < bulkEnd; src += 64, dst += 64) {
    v128.store(dst, offsetVec(v128.load(src), table, shift, mask, scale, toPdx));
    v128.store(dst, offsetVec(v128.load(src, 16), table, shift, mask, scale, toPdx), 16);
    v128.store(dst, offsetVec(v128.load(src, 32), table, shift, mask, scale, toPdx), 32);
    v128.store(dst, offsetVec(v128.load(src, 48), table, shift, mask, scale, toPdx), 48);
  }
  for (let tail = n & 7; tail > 0; tail--, src += 8, dst += 8)
    store<u64>(dst, offsetOne(load<u64>(src), table, <u64>shift, m, <u64>scale, toPdx));
}

/** A batch with v128 kernels: the fast path. */
export function convertBatch(ctx: usize, op: u32, src: usize, dst: usize, n: usize): void {
  const scheme = ctxU32(ctx, CTX_SCHEME);
  if (scheme == SCHEME_MASK) {
    const low = maskLow(ctx, op), high = maskHigh(ctx, op), w = <i32>ctxU64(ctx, CTX_HOLE_SHIFT);
    maskBatchConstW(src, dst, n, low, high, w, towardsPdx(op));
  } else if (scheme == SCHEME_OFFSET) {
    const table = offsetTable(ctx, op), shift = <i32>offsetShift(ctx, op), mask = ctxU64(ctx, CTX_TABLE_MASK), scale = <i32>offsetScale(ctx, op);
    if (towardsPdx(op)) offsetBatchVec(src, dst, n, table, shift, mask, scale, true);
    else offsetBatchVec(src, dst, n, table, shift, mask, scale, false);
  } else {
    memory.copy(dst, src, n << 3);
  }
}
