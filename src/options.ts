/**
 * Checks for option objects and their plain values, with the same bounds and wording the
 * CLI flags use: unknown keys are refused (a typo must not silently fall back to a
 * default), choices are matched against their own list only (never `__proto__` or
 * `toString` through the prototype chain), numbers must be finite and inside their range.
 */
import { InvalidArgumentError } from "./errors.js";
import { describeValue } from "./u64.js";

/**
 * `value` as an option object (`undefined` is `{}`) whose own keys are all in `keys`.
 * Keys whose value is `undefined` count as absent.
 */
export function checkOptions<T extends object>(argument: string, value: T | undefined, keys: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new InvalidArgumentError(argument, `expected an options object, got ${describeValue(value)}`);
  for (const key of Object.keys(value))
    if (!keys.includes(key) && (value as Record<string, unknown>)[key] !== undefined)
      throw new InvalidArgumentError(argument, `unknown option ${JSON.stringify(key)}; the options are ${keys.join(", ")}`);
  return value;
}

/** One of a fixed list of strings. */
export function oneOf<C extends string>(argument: string, value: unknown, choices: readonly C[]): C {
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as C;
  throw new InvalidArgumentError(argument, `${describeValue(value)} is not one of ${choices.join(", ")}`);
}

/** An integer number in [min, max]. */
export function intIn(argument: string, value: unknown, min: number, max: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value + 0;
  throw new InvalidArgumentError(argument, `${describeValue(value)} is not an integer in ${min}..${max}`);
}

/** A finite number in [min, max]. */
export function finiteIn(argument: string, value: unknown, min: number, max: number): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return value + 0;
  throw new InvalidArgumentError(argument, `${describeValue(value)} is not a finite number in ${min}..${max}`);
}
