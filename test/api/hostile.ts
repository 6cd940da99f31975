/**
 * Hostile values for the API property tests, and the one assertion they all make: a call
 * either returns or throws a named XenmmError subclass with a one-line message — never a
 * raw TypeError/RangeError, never a plain Error.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { XenmmError } from "../../src/errors.js";

const U64_LIMIT = 1n << 64n;

/** Values that break naive code: wrong types, edge numbers, prototype names, odd objects. */
export const HOSTILE_CONSTANTS: readonly unknown[] = [
  undefined, null, true, NaN, Infinity, -Infinity, -0, 0, -1, 1.5, 2 ** 53, 2 ** 64, Number.MAX_VALUE, Number.MIN_VALUE,
  -1n, U64_LIMIT, U64_LIMIT + 0x880000n, U64_LIMIT - 1n, 2n ** 200n, -(2n ** 64n),
  "", "0x10", "1", "__proto__", "constructor", "toString", "hasOwnProperty",
  {}, [], [1n], JSON.parse('{"__proto__": {"polluted": 1}}'), Object.create(null), () => 1, Symbol("s"),
  new BigInt64Array([-1n]), new Uint8Array(3), new Array(2 ** 32 - 1),
];

/** Any hostile value: the constants above, bigints well outside 64 bits, any double or string. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Prototype-chain names and near misses, for every "one of a list" argument. */
export const hostileNames: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "", " mask", "MASK", "auto ", "x86_64"),
  hostile,
);

/** The API's integer rule: a bigint in [0, 2^64) or a non-negative safe-integer number. */
export const isU64 = (v: unknown): boolean =>
  (typeof v === "bigint" && v >= 0n && v < U64_LIMIT) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0);

/** The bigint an accepted integer stands for. */
export const asBig = (v: unknown): bigint => BigInt(v as bigint | number);

/** Runs `call`: its result, or `undefined` after a typed one-line error; anything else fails. */
export function typedOr<T>(call: () => T): { value: T } | { error: XenmmError } {
  try {
    return { value: call() };
  } catch (e) {
    expectTyped(e);
    return { error: e as XenmmError };
  }
}

/** `e` is a XenmmError subclass with its own name and a one-line message. */
export function expectTyped(e: unknown): void {
  if (!(e instanceof XenmmError)) throw new Error(`expected a XenmmError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  expect(e.name).not.toBe("Error");
  expect(e.name).toBe(e.constructor.name);
  expect(e.message).not.toMatch(/\n/);
  expect(e.message.length).toBeGreaterThan(0);
}

/** `call` must throw a typed error of class `type`. */
export function expectRefused(call: () => unknown, type: abstract new (...args: never[]) => XenmmError = XenmmError): XenmmError {
  const outcome = typedOr(call);
  if ("value" in outcome) throw new Error(`expected a ${type.name}, got the result ${String(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error;
}
