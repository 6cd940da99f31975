/**
 * The one rule for integers the API takes (PFN, MFN, PDX, address, count): a `bigint` in
 * [0, 2^64), or a plain `number` that is a non-negative safe integer (it converts to bigint
 * exactly). Anything else — a negative or 65-bit bigint, 1.5, NaN, Infinity, 2^53, a
 * string — is refused with an InvalidArgumentError, never wrapped or rounded. `-0` is 0.
 */
import { InvalidArgumentError } from "./errors.js";

/** What the API accepts where it takes a 64-bit value. */
export type U64Input = bigint | number;

const U64_LIMIT = 1n << 64n;

/** A short, safe description of any value for error messages (never throws). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "bigint": return `${value < 0n ? "-0x" + (-value).toString(16) : "0x" + value.toString(16)}n`;
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "string": return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
    case "undefined": return "undefined";
    case "object": return value === null ? "null" : Array.isArray(value) ? `an array of ${value.length}` : `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
    default: return `a ${typeof value}`;
  }
}

const maxName = (max: bigint) =>
  max === U64_LIMIT - 1n ? "2^64 - 1 (it does not fit in 64 bits)" : max === U64_LIMIT ? "2^64" : `the maximum ${max}`;

/** The bigint value of `value` if it is a non-negative integer (bigint, or safe-integer number), else why not. */
export function naturalOrReason(value: unknown): bigint | string {
  let v: bigint;
  if (typeof value === "bigint") v = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === "number") return `${describeValue(value)} is not a safe integer; pass a bigint (e.g. 0x880000n)`;
  else return `expected a bigint, got ${describeValue(value)}`;
  return v < 0n ? `${describeValue(value)} is negative` : v;
}

/** The bigint value of `value` if it is an integer in [0, limit), else why not. */
export function uintOrReason(value: unknown, limit: bigint): bigint | string {
  const v = naturalOrReason(value);
  if (typeof v === "bigint" && v >= limit) return `${describeValue(value)} is above ${maxName(limit - 1n)}`;
  return v;
}

/** `value` as a u64, or an InvalidArgumentError naming `argument` (e.g. "pfnToPdx(pfn)"). */
export function toU64(argument: string, value: unknown): bigint {
  // Fast path: V8 compiles asUintN(64) to a machine op, two bigint comparisons cost ~10 ns.
  if (typeof value === "bigint" && BigInt.asUintN(64, value) === value) return value;
  const v = uintOrReason(value, U64_LIMIT);
  if (typeof v === "string") throw new InvalidArgumentError(argument, v);
  return v;
}

/** An integer in [0, max] (an array length, a group index) as a number; same rule as toU64. */
export function toIndex(argument: string, value: unknown, max: number): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= max) return value + 0;
  const v = uintOrReason(value, BigInt(max) + 1n);
  if (typeof v === "string") throw new InvalidArgumentError(argument, v);
  return Number(v);
}

export const U64_MAX = (1n << 64n) - 1n;

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
