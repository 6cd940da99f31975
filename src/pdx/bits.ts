/**
 * Unsigned 64-bit helpers with Xen's exact semantics (research/pdx.md §2.2). Every value
 * is a `bigint` kept in [0, 2^64): results of subtraction and left shifts are wrapped.
 */
import { InvalidArgumentError } from "../errors.js";
import { describeValue } from "../u64.js";

export const U64_MAX = (1n << 64n) - 1n;

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

/**
 * Lowercase hex with a 0x prefix, the one textual form of 64-bit values in JSON. API results
 * are never negative, but messages may quote a caller's negative input: it prints as -0x1,
 * never 0x-1. A number must be a safe integer (pass a bigint otherwise).
 */
export function hex(x: bigint | number): string {
  if (typeof x === "number" && Number.isSafeInteger(x)) x = BigInt(x);
  if (typeof x !== "bigint") throw new InvalidArgumentError("hex(x)", `${describeValue(x)} is not an integer; pass a bigint`);
  return x < 0n ? `-0x${(-x).toString(16)}` : `0x${x.toString(16)}`;
}
