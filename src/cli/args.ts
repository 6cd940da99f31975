import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** `util.parseArgs` in strict mode, with its TypeErrors turned into UsageErrors. */
export function parseCommand<T extends Options>(argv: string[], options: T, usage: string): Parsed<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
}

/** An integer flag within [min, max]; `fallback` when the flag is absent. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(value.trim())) throw new UsageError(`--${name}: '${value}' is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name}: ${value} is outside ${min}..${max}`);
  return n;
}

/** A number flag (rates, times) that must be finite and within [min, max]. */
export function numberFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name}: '${value}' is not a number within ${min}..${max}`);
  return n;
}

/** A comma-separated list of integers, e.g. `--vcpus 1,2,4,8`. */
export function intListFlag(name: string, value: string | undefined, fallback: number[], min: number, max: number): number[] {
  if (value === undefined) return fallback;
  return value.split(",").map((part) => intFlag(name, part, 0, min, max));
}

/** One of a fixed set of words. */
export function choiceFlag<C extends string>(name: string, value: string | undefined, fallback: C, choices: readonly C[]): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${name}: '${value}' is not one of ${choices.join(", ")}`);
  return value as C;
}
