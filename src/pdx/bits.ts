/**
 * Unsigned 64-bit helpers with Xen's exact semantics (docs/notes/pdx.md §2.2). Every value
 * is a `bigint` kept in [0, 2^64): results of subtraction and left shifts are wrapped.
 */
// U64_MAX and hex live in src/u64.ts, below every folder (memmap prints with them too).
export { hex, U64_MAX } from "../u64.js";

/** Wraps to an unsigned 64-bit value, as C's `unsigned long` arithmetic does. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** 1-based index of the most significant set bit; 0 for 0 (Xen's `flsl`). */
export function flsl(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** 1-based index of the least significant set bit; 0 for 0 (Xen's `ffsl`). */
export function ffsl(x: bigint): number {
  return x === 0n ? 0 : flsl(x & -x);
}

/** Every bit below the most significant set bit of `x`, that bit included: 2^fls(x) − 1. */
export function fillMask(x: bigint): bigint {
  return (1n << BigInt(flsl(x))) - 1n;
}

/** The bits that vary inside the inclusive range [base, base + len − 1] ("moving bits"). */
export function pdxRegionMask(base: bigint, len: bigint): bigint {
  return fillMask(base ^ u64(base + len - 1n));
}

/**
 * The byte mask of bits that may never be compressed: everything below
 * max(base, 2^(MAX_ORDER + PAGE_SHIFT)), filled down (Xen's `pdx_init_mask`).
 */
export function pdxInitMask(baseBytes: bigint, maxOrder: number, pageShift: number): bigint {
  const floor = 1n << BigInt(maxOrder + pageShift);
  return fillMask((baseBytes > floor ? baseBytes : floor) - 1n);
}
