// PFN ⇄ PDX and maddr ⇄ directmap-offset conversions for Xen's three schemes
// (docs/notes/pdx.md §3.3, §4.3, §5.2), scalar and in batches over linear memory.
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
  CTX_MA_PDX_PFN_LOOKUP, CTX_MA_PFN_PDX_LOOKUP, CTX_SELECT, CTX_SELECT_BYTES, CTX_SELECT_RUNS, CTX_SWIZZLE, CTX_SWIZZLE_BYTES, CTX_TOP_MASK, SCHEME_MASK, SCHEME_OFFSET,
} from "./layout";
import { maskBatchConstW } from "./mask-dispatch.generated";
import { offsetBatchConstK, offsetLanesConstShift, offsetSwizzleConst } from "./offset-dispatch.generated";

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
    for (; src < end; src += 8, dst += 8) store<u64>(dst, load<u64>(src));
  }
}

// ── v128 ────────────────────────────────────────────────────────────────────────
// V8 neither hoists splats out of loops nor unrolls (docs/notes/toolchain.md §7), so the
// kernels are unrolled by hand: mask 2× (one 128-bit store per vector bounds it, as it bounds
// gcc -O3's loop; 4× measured the same and cost 7 KB of wasm over the 100 dispatch copies),
// the others 4×; offset has no gather, so lanes are extracted and loaded with load64_zero +
// load64_lane.

// @ts-ignore: decorator
@inline function maskVec(v: v128, low: v128, high: v128, w: i32, toPdx: bool): v128 {
  return toPdx
    ? v128.or(v128.and(v, low), i64x2.shr_u(v128.and(v, high), w))
    : v128.or(v128.and(v, low), v128.and(i64x2.shl(v, w), high));
}

// @ts-ignore: decorator
@inline export function maskBatchVec(src: usize, dst: usize, n: usize, lo: u64, hi: u64, w: i32, toPdx: bool): void {
  const low = i64x2.splat(lo), high = i64x2.splat(hi);
  const bulkEnd = src + ((n & ~(<usize>3)) << 3);
  for (; src < bulkEnd; src += 32, dst += 32) {
    v128.store(dst, maskVec(v128.load(src), low, high, w, toPdx));
    v128.store(dst, maskVec(v128.load(src, 16), low, high, w, toPdx), 16);
  }
  for (let tail = n & 3; tail > 0; tail--, src += 8, dst += 8) store<u64>(dst, maskOne(load<u64>(src), lo, hi, <u64>w, toPdx));
}

/**
 * PDX_NONE's batch: the identity, as a v128 loop of the same shape as the schemes' kernels
 * (2× unrolled, like mask), so a scheme's cost over `none` is its formula's alone. It runs
 * at memory.copy's speed (1e6 items: 0.149 against 0.145 ns/op).
 */
function copyBatchVec(src: usize, dst: usize, n: usize): void {
  const bulkEnd = src + ((n & ~(<usize>3)) << 3);
  for (; src < bulkEnd; src += 32, dst += 32) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
  }
  for (let tail = n & 3; tail > 0; tail--, src += 8, dst += 8) store<u64>(dst, load<u64>(src));
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
@inline export function offsetBatchVec(src: usize, dst: usize, n: usize, table: usize, shift: i32, m: u64, scale: i32, toPdx: bool): void {
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

// ── offset by compare-and-select ────────────────────────────────────────────────
// Real tables hold a few runs of equal deltas (2–8 regions, each over consecutive slots).
// With k runs starting at slots 0 < s1 < … < s(k−1), the slot is ≥ s_j exactly when
// x & keep ≥ s_j << shift, where keep clears the bits above the table index. So the delta
// is chosen with k−1 vector compares and selects: no shift, lane extract or table load
// per item. Needs shift + table order ≤ 63 (the compares are signed).
// Setup fills the operands into the context block once (offsetSelectPrepare) and the
// kernel loads them before its loop: V8 neither hoists splats nor the scalar work feeding
// them, but keeps loaded values in registers (docs/notes/toolchain.md §7).

/** Up to this many runs, the select kernel applies. */
export const SELECT_MAX_RUNS: i32 = 8;
/**
 * Up to this many runs, OFFSET_AUTO picks select over lanes-const and the two-swizzle shape:
 * each further run costs a compare, an and and an add per vector, and from 4 runs
 * lanes-const is faster (measured by `xenmm bench --offset-kernels`; README "Offset kernels").
 */
export const SELECT_AUTO_RUNS: i32 = 3;

/** The first slot after `from` whose entry differs from table[from] (m + 1 if none). */
function nextRun(table: usize, m: usize, from: usize): usize {
  const v = load<u64>(table + (from << 3));
  let i = from + 1;
  while (i <= m && load<u64>(table + (i << 3)) == v) i++;
  return i;
}

/**
 * Fills the select area of the context block for each OP: select_runs[op] = k (0 when
 * the kernel does not apply), then keep, bound[j] = (s_j << shift) − 1 for j = 1…k−1, and
 * step[j] = (table[s_j] − table[s_(j−1)]) << scale for j = 0…k−1 (step[0] = table[0] << scale),
 * so the delta of a slot in run j is step[0] + … + step[j]. Called once, after the block is written.
 */
export function offsetSelectPrepare(ctx: usize): void {
  for (let op: u32 = 0; op < 4; op++) {
    let k = 0;
    if (ctxU32(ctx, CTX_SCHEME) == SCHEME_OFFSET) {
      const table = offsetTable(ctx, op), shift = offsetShift(ctx, op), m = ctxU64(ctx, CTX_TABLE_MASK), scale = offsetScale(ctx, op);
      const sel = ctx + CTX_SELECT + op * CTX_SELECT_BYTES;
      if (shift + <u64>(64 - clz(m)) <= 63) {
        store<u64>(sel, ((m + 1) << shift) - 1);
        let at: usize = 0, last: u64 = 0;
        for (; at <= <usize>m && k < SELECT_MAX_RUNS; k++) {
          if (k > 0) store<u64>(sel + (<usize>k << 3), (<u64>at << shift) - 1);
          store<u64>(sel + 64 + (<usize>k << 3), (load<u64>(table + (at << 3)) - last) << scale);
          last = load<u64>(table + (at << 3));
          at = nextRun(table, <usize>m, at);
        }
        if (at <= <usize>m) k = 0; // more runs than the kernel selects among
      }
    }
    store<u32>(ctx + CTX_SELECT_RUNS + (op << 2), k);
  }
  // The address forms' tables pre-scaled by PAGE_SHIFT, so their lanes kernels shift nothing.
  if (ctxU32(ctx, CTX_SCHEME) == SCHEME_OFFSET) {
    const m = <usize>ctxU64(ctx, CTX_TABLE_MASK), page = <u64>ctxU32(ctx, CTX_PAGE_SHIFT);
    for (let i: usize = 0; i <= m; i++) {
      store<u64>(ctx + CTX_MA_PFN_PDX_LOOKUP + (i << 3), load<u64>(ctx + CTX_PFN_PDX_LOOKUP + (i << 3)) << page);
      store<u64>(ctx + CTX_MA_PDX_PFN_LOOKUP + (i << 3), load<u64>(ctx + CTX_PDX_PFN_LOOKUP + (i << 3)) << page);
    }
  }
  offsetSwizzlePrepare(ctx);
}

// Each step adds the difference to the previous run's delta where the slot is at or past
// the run's start: a compare, an and and an add (a bitselect would cost V8 three ops).
// @ts-ignore: decorator
@inline function selectStep(d: v128, xm: v128, bound: v128, step: v128): v128 { return i64x2.add(d, v128.and(i64x2.gt_s(xm, bound), step)); }

// @ts-ignore: decorator
@inline function offsetSelectVec(v: v128, keep: v128, k: i32, toPdx: bool,
  b1: v128, b2: v128, b3: v128, b4: v128, b5: v128, b6: v128, b7: v128,
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, d6: v128, d7: v128): v128 {
  const xm = v128.and(v, keep);
  let d = d0;
  if (k > 1) d = selectStep(d, xm, b1, d1);
  if (k > 2) d = selectStep(d, xm, b2, d2);
  if (k > 3) d = selectStep(d, xm, b3, d3);
  if (k > 4) d = selectStep(d, xm, b4, d4);
  if (k > 5) d = selectStep(d, xm, b5, d5);
  if (k > 6) d = selectStep(d, xm, b6, d6);
  if (k > 7) d = selectStep(d, xm, b7, d7);
  return toPdx ? i64x2.sub(v, d) : i64x2.add(v, d);
}

/** The select kernel over the operands at `sel`, with the run count `k` a compile-time constant (offset-dispatch.generated.ts). */
// @ts-ignore: decorator
@inline export function offsetBatchSelect(src: usize, dst: usize, n: usize, sel: usize, table: usize, m: u64, shift: i32, scale: i32, k: i32, toPdx: bool): void {
  const keep = v128.load64_splat(sel);
  const b1 = v128.load64_splat(sel, 8), b2 = v128.load64_splat(sel, 16), b3 = v128.load64_splat(sel, 24), b4 = v128.load64_splat(sel, 32);
  const b5 = v128.load64_splat(sel, 40), b6 = v128.load64_splat(sel, 48), b7 = v128.load64_splat(sel, 56);
  const d0 = v128.load64_splat(sel, 64), d1 = v128.load64_splat(sel, 72), d2 = v128.load64_splat(sel, 80), d3 = v128.load64_splat(sel, 88);
  const d4 = v128.load64_splat(sel, 96), d5 = v128.load64_splat(sel, 104), d6 = v128.load64_splat(sel, 112), d7 = v128.load64_splat(sel, 120);
  const bulkEnd = src + ((n & ~(<usize>7)) << 3);
  for (; src < bulkEnd; src += 64, dst += 64) {
    v128.store(dst, offsetSelectVec(v128.load(src), keep, k, toPdx, b1, b2, b3, b4, b5, b6, b7, d0, d1, d2, d3, d4, d5, d6, d7));
    v128.store(dst, offsetSelectVec(v128.load(src, 16), keep, k, toPdx, b1, b2, b3, b4, b5, b6, b7, d0, d1, d2, d3, d4, d5, d6, d7), 16);
    v128.store(dst, offsetSelectVec(v128.load(src, 32), keep, k, toPdx, b1, b2, b3, b4, b5, b6, b7, d0, d1, d2, d3, d4, d5, d6, d7), 32);
    v128.store(dst, offsetSelectVec(v128.load(src, 48), keep, k, toPdx, b1, b2, b3, b4, b5, b6, b7, d0, d1, d2, d3, d4, d5, d6, d7), 48);
  }
  for (let tail = n & 7; tail > 0; tail--, src += 8, dst += 8)
    store<u64>(dst, offsetOne(load<u64>(src), table, <u64>shift, m, <u64>scale, toPdx));
}

// ── offset by table lookup in a v128 (i8x16.swizzle) ─────────────────────────────
// Every table value is a multiple of 2^g, g ≥ MAX_ORDER (docs/notes/pdx.md §4.2–4.3), and
// unused slots hold 0. With p whole bytes, 8p ≤ g, every delta is U[slot] << 8p, and U needs
// 1 or 2 bytes on real maps. Shifting x right by (index shift − 8p) puts the slot number at
// byte p of each lane, and an and keeps its index bits and zeroes the other bytes. The
// nonzero slots lie between the first and the last nonzero one; a byte subtract of a
// window start a (mod 256; 0x80 in the other bytes) maps slot a + j to j, every slot outside
// the window and every other byte to ≥ 16, and i8x16.swizzle reads 0 for those. So one
// swizzle reads the delta's bytes straight into place: no lane extract, no load, no shift
// by g. V8 lowers a swizzle of a run-time index to vpaddusb + vpshufb; the kernel's cost
// follows its shuffles and shifts per vector (README "Offset kernels"). The shapes:
//   SWZ_BYTE    U fits 1 byte, nonzero slots within 16: 1 swizzle;
//   SWZ_PAIR    U fits 2 bytes, nonzero slots within 8: byte p (p even) holds 2·slot, an i16
//               multiply by 0x0101 copies it to byte p + 1, and the bytes subtract 2a and
//               2a − 1: one swizzle reads U's low and high byte of slot a + j from bytes 2j
//               and 2j + 1 of one 16-byte table;
//   SWZ_BYTE_EQ U fits 1 byte, nonzero slots within 16 but for the first or the last one:
//               1 swizzle, and that slot by a byte compare (an i8x16.eq, an and, an or).
// (Two windows of 16, two swizzles, measured 0.36–0.37 ns/op against lanes-const's 0.38–0.40
// and SWZ_BYTE_EQ's 0.32 on amd-versal-gen2's pfn_to_pdx, in L2: not kept, 13 KB of wasm.)
// Needs the slot in a byte: table order ≤ 8 (≤ 7 for SWZ_PAIR). offsetSwizzlePrepare finds
// the shape; a table that fits none runs with the other kernels.

export const SWZ_NONE: i32 = 0;
export const SWZ_BYTE: i32 = 1;
export const SWZ_PAIR: i32 = 2;
export const SWZ_BYTE_EQ: i32 = 3;

/** Whether table[from..to] are all 0 (an empty range is). */
function zeroSlots(table: usize, from: usize, to: usize): bool {
  for (let i = from; i <= to; i++) if (load<u64>(table + (i << 3)) != 0) return false;
  return true;
}

/** Bytes of the largest table[first..last] >> 8p. */
function swizzleBytes(table: usize, first: usize, last: usize, p: usize): i32 {
  let top: u64 = 0;
  for (let i = first; i <= last; i++) { const u = load<u64>(table + (i << 3)) >> (<u64>p << 3); if (u > top) top = u; }
  return (<i32>(64 - clz(top)) + 7) >> 3;
}

/**
 * Fills the swizzle area of the context block for each OP: u32 index shift and shape
 * (SWZ_*, SWZ_NONE: does not apply), then v128: index mask, window start A0, A1 (SWZ_PAIR:
 * the i16 multiplier; SWZ_BYTE_EQ: the compared slot), table P0, P1 (SWZ_BYTE_EQ: the
 * compared slot's byte).
 */
function offsetSwizzlePrepare(ctx: usize): void {
  for (let op: u32 = 0; op < 4; op++) {
    const sw = ctx + CTX_SWIZZLE + op * CTX_SWIZZLE_BYTES;
    memory.fill(sw, 0, CTX_SWIZZLE_BYTES);
    if (ctxU32(ctx, CTX_SCHEME) != SCHEME_OFFSET) continue;
    const m = <usize>ctxU64(ctx, CTX_TABLE_MASK), shift = <usize>offsetShift(ctx, op);
    const table = onAddresses(op) ? ctx + (towardsPdx(op) ? CTX_MA_PFN_PDX_LOOKUP : CTX_MA_PDX_PFN_LOOKUP) : offsetTable(ctx, op);
    let any: u64 = 0, first: usize = m + 1, last: usize = 0;
    for (let i: usize = 0; i <= m; i++) {
      const v = load<u64>(table + (i << 3));
      any |= v;
      if (v != 0) { if (first > m) first = i; last = i; }
    }
    if (any == 0 || m > 255 || shift > 63) continue; // shift > 63: the scalar form's shift wraps, keep to the kernels that wrap alike
    const g = <usize>ctz(any), span = last - first + 1;
    // the one-byte shapes read byte p = min(g, shift) / 8; the pair shape an even p (the
    // i16 multiply copies byte p to p + 1 inside one i16 lane) with 8p < shift (byte p holds 2·slot)
    const p1 = (g < shift ? g : shift) >> 3, p2 = ((g < shift - 1 ? g : shift - 1) >> 4) << 1;
    let shape = SWZ_NONE, p = p1, a = first, e: usize = 0;
    // A slot t below the window whose byte subtract wraps into [0, 16) reads the entry of slot
    // t + 256 (t + 128 for the pair shape), past the table: prepare leaves those 0, as table[t] is.
    if (swizzleBytes(table, first, last, p1) == 1) {
      if (span <= 16) shape = SWZ_BYTE;
      else if (zeroSlots(table, first + 1, last - 16)) { shape = SWZ_BYTE_EQ; a = last - 15; e = first; }
      else if (zeroSlots(table, first + 16, last - 1)) { shape = SWZ_BYTE_EQ; e = last; }
    }
    if (shape == SWZ_NONE && shift >= 1 && span <= 8 && m <= 127 && p2 + 2 <= 8 && swizzleBytes(table, first, last, p2) <= 2) {
      shape = SWZ_PAIR;
      p = p2;
    }
    if (shape == SWZ_NONE) continue;
    const pair = shape == SWZ_PAIR;
    store<u32>(sw, <u32>(shift - (p << 3) - (pair ? 1 : 0)));
    store<u32>(sw, shape, 4);
    const mask = <u8>(pair ? m << 1 : m);
    store<u8>(sw + 16 + p, mask);
    store<u8>(sw + 24 + p, mask);
    memory.fill(sw + 32, 0x80, 32); // the bytes outside byte p subtract 0x80: index 0x80 reads 0
    for (let half: usize = 0; half < 16; half += 8) {
      if (pair) {
        store<u8>(sw + 32 + half + p, <u8>(a << 1));
        store<u8>(sw + 32 + half + p + 1, <u8>((a << 1) - 1));
      } else if (shape == SWZ_BYTE_EQ) {
        store<u8>(sw + 32 + half + p, <u8>a);
        store<u8>(sw + 48 + half + p, <u8>e); // the other bytes hold 0x80, never a masked byte (0)
        store<u8>(sw + 80 + half + p, <u8>(load<u64>(table + (e << 3)) >> (<u64>p << 3)));
      } else {
        store<u8>(sw + 32 + half + p, <u8>a);
      }
    }
    if (pair) v128.store(sw + 48, i16x8.splat(0x0101));
    for (let j: usize = 0; j < 16 && a + j <= m; j++) {
      const u = load<u64>(table + ((a + j) << 3)) >> (<u64>p << 3);
      if (!pair) store<u8>(sw + 64 + j, <u8>u);
      else if (j < 8) store<u16>(sw + 64 + (j << 1), <u16>u);
    }
  }
}

// @ts-ignore: decorator
@inline function offsetSwizzleVec(v: v128, shift: i32, mask: v128, a0: v128, a1: v128, p0: v128, p1: v128, shape: i32, toPdx: bool): v128 {
  const t = v128.and(shift != 0 ? i64x2.shr_u(v, shift) : v, mask);
  let d: v128;
  if (shape == SWZ_PAIR) d = i8x16.swizzle(p0, i8x16.sub(i16x8.mul(t, a1), a0)); // a1: 0x0101 in each i16 lane
  else if (shape == SWZ_BYTE_EQ) d = v128.or(i8x16.swizzle(p0, i8x16.sub(t, a0)), v128.and(i8x16.eq(t, a1), p1));
  else d = i8x16.swizzle(p0, i8x16.sub(t, a0));
  return toPdx ? i64x2.sub(v, d) : i64x2.add(v, d);
}

/** The swizzle kernel over the operands at `sw`, with its index shift and shape compile-time constants (offset-dispatch.generated.ts). */
// @ts-ignore: decorator
@inline export function offsetBatchSwizzle(src: usize, dst: usize, n: usize, sw: usize, table: usize, m: u64, tshift: i32, scale: i32, shift: i32, shape: i32, toPdx: bool): void {
  const mask = v128.load(sw, 16), a0 = v128.load(sw, 32), a1 = v128.load(sw, 48), p0 = v128.load(sw, 64), p1 = v128.load(sw, 80);
  const bulkEnd = src + ((n & ~(<usize>7)) << 3);
  for (; src < bulkEnd; src += 64, dst += 64) {
    v128.store(dst, offsetSwizzleVec(v128.load(src), shift, mask, a0, a1, p0, p1, shape, toPdx));
    v128.store(dst, offsetSwizzleVec(v128.load(src, 16), shift, mask, a0, a1, p0, p1, shape, toPdx), 16);
    v128.store(dst, offsetSwizzleVec(v128.load(src, 32), shift, mask, a0, a1, p0, p1, shape, toPdx), 32);
    v128.store(dst, offsetSwizzleVec(v128.load(src, 48), shift, mask, a0, a1, p0, p1, shape, toPdx), 48);
  }
  for (let tail = n & 7; tail > 0; tail--, src += 8, dst += 8)
    store<u64>(dst, offsetOne(load<u64>(src), table, <u64>tshift, m, <u64>scale, toPdx));
}

// The offset kernels, selectable for measurement and for the differential test:
// lanes (shift and scale at run time), lanes-const (the same with a literal shift and no
// scale: address forms read tables pre-scaled at setup; offset-dispatch.generated.ts),
// select and swizzle (above).
export const OFFSET_AUTO: i32 = 0;
export const OFFSET_LANES: i32 = 1;
export const OFFSET_SELECT: i32 = 2;
export const OFFSET_LANES_CONST: i32 = 3;
export const OFFSET_SWIZZLE: i32 = 4;

/**
 * Up to this many runs OFFSET_AUTO takes select even where a one-swizzle shape fits: with 1–2
 * runs select is one add or one compare step, faster than a swizzle (`xenmm bench
 * --offset-kernels`; README "Offset kernels").
 */
export const SELECT_OVER_SWIZZLE_RUNS: i32 = 2;

/**
 * The kernel OFFSET_AUTO runs for OP `op`, from what setup stored (measured; README "Offset
 * kernels"): select for 1–2 runs; swizzle from 3 runs on where a shape fits; else select up
 * to SELECT_AUTO_RUNS runs; else lanes-const.
 */
function offsetAuto(ctx: usize, op: u32): i32 {
  const k = <i32>load<u32>(ctx + CTX_SELECT_RUNS + (op << 2));
  const shape = <i32>load<u32>(ctx + CTX_SWIZZLE + op * CTX_SWIZZLE_BYTES, 4);
  if (k > 0 && k <= SELECT_OVER_SWIZZLE_RUNS) return OFFSET_SELECT;
  if (shape != SWZ_NONE) return OFFSET_SWIZZLE;
  if (k > 0 && k <= SELECT_AUTO_RUNS) return OFFSET_SELECT;
  return OFFSET_LANES_CONST;
}

/** The offset batch with kernel `variant` (OFFSET_AUTO: see offsetAuto); returns the kernel that ran. */
export function offsetBatch(ctx: usize, op: u32, src: usize, dst: usize, n: usize, variant: i32): i32 {
  const table = offsetTable(ctx, op), shift = <i32>offsetShift(ctx, op), m = ctxU64(ctx, CTX_TABLE_MASK), scale = <i32>offsetScale(ctx, op);
  if (variant == OFFSET_AUTO) variant = offsetAuto(ctx, op);
  const k = <i32>load<u32>(ctx + CTX_SELECT_RUNS + (op << 2));
  if (k > 0 && variant == OFFSET_SELECT) {
    offsetBatchConstK(src, dst, n, ctx + CTX_SELECT + op * CTX_SELECT_BYTES, table, m, shift, scale, k, towardsPdx(op));
    return OFFSET_SELECT;
  }
  const sw = ctx + CTX_SWIZZLE + op * CTX_SWIZZLE_BYTES, shape = <i32>load<u32>(sw, 4);
  if (shape != SWZ_NONE && variant == OFFSET_SWIZZLE) {
    offsetSwizzleConst(src, dst, n, sw, table, m, shift, scale, <i32>load<u32>(sw), shape, towardsPdx(op));
    return OFFSET_SWIZZLE;
  }
  if (variant == OFFSET_LANES_CONST) {
    // address forms read the pre-scaled tables, so every form runs with a literal zero scale
    const scaled = onAddresses(op) ? ctx + (towardsPdx(op) ? CTX_MA_PFN_PDX_LOOKUP : CTX_MA_PDX_PFN_LOOKUP) : table;
    offsetLanesConstShift(src, dst, n, scaled, shift, m, towardsPdx(op));
    return OFFSET_LANES_CONST;
  }
  if (towardsPdx(op)) offsetBatchVec(src, dst, n, table, shift, m, scale, true);
  else offsetBatchVec(src, dst, n, table, shift, m, scale, false);
  return OFFSET_LANES;
}

/** A batch with v128 kernels: the fast path. */
export function convertBatch(ctx: usize, op: u32, src: usize, dst: usize, n: usize): void {
  const scheme = ctxU32(ctx, CTX_SCHEME);
  if (scheme == SCHEME_MASK) {
    const low = maskLow(ctx, op), high = maskHigh(ctx, op), w = <i32>ctxU64(ctx, CTX_HOLE_SHIFT);
    maskBatchConstW(src, dst, n, low, high, w, towardsPdx(op));
  } else if (scheme == SCHEME_OFFSET) {
    offsetBatch(ctx, op, src, dst, n, OFFSET_AUTO);
  } else {
    copyBatchVec(src, dst, n);
  }
}
