/**
 * Checks an ArchProfile (once per object): a custom one must have every field of a plausible
 * Xen build, so setup never shifts by NaN or indexes a frame table with a zero-sized group.
 */
import type { ArchProfile } from "./arch.js";
import { InvalidArgumentError } from "./errors.js";
import { intIn, oneOf } from "./options.js";
import { SCHEMES } from "./schemes.js";
import { describeValue } from "./u64.js";

/** Profiles already checked (the built-in ones after their first use). */
const checked = new WeakSet<object>();

/** Integer fields and their bounds. */
const INT_FIELDS: ReadonlyArray<[keyof ArchProfile, number, number]> = [
  ["pageShift", 10, 24], ["maxOrder", 1, 40], ["pageInfoSize", 8, 256], ["countInfoOffset", 0, 248],
  ["pdxGroupShift", 12, 40], ["maxPfnRanges", 1, 65536], ["tableOrder", 0, 9], ["physAddrBits", 32, 64],
];

export function checkArchProfile(argument: string, value: unknown): ArchProfile {
  if (checked.has(value as object)) return value as ArchProfile;
  if (value === null || typeof value !== "object")
    throw new InvalidArgumentError(argument, `expected an ArchProfile (e.g. ARCHES["arm64"]), got ${describeValue(value)}`);
  const a = value as ArchProfile;
  if (typeof a.name !== "string") throw new InvalidArgumentError(`${argument}.name`, `expected a string, got ${describeValue(a.name)}`);
  for (const [field, min, max] of INT_FIELDS) intIn(`${argument}.${field}`, a[field], min, max);
  if (a.pageInfoSize % 8 !== 0 || a.countInfoOffset % 8 !== 0 || a.countInfoOffset + 8 > a.pageInfoSize)
    throw new InvalidArgumentError(argument, "pageInfoSize and countInfoOffset must be multiples of 8, with count_info inside page_info");
  if (2 ** a.pdxGroupShift < (a.pageInfoSize & -a.pageInfoSize))
    throw new InvalidArgumentError(`${argument}.pdxGroupShift`, "a PDX group must hold at least one page_info");
  if (typeof a.frametableSize !== "bigint" || a.frametableSize < 1n || a.frametableSize > 1n << 64n)
    throw new InvalidArgumentError(`${argument}.frametableSize`, `${describeValue(a.frametableSize)} is not a bigint in 1..2^64`);
  oneOf(`${argument}.defaultScheme`, a.defaultScheme, SCHEMES);
  oneOf(`${argument}.setupBase`, a.setupBase, ["first-ram-at-or-above-4g", "zero"]);
  oneOf(`${argument}.frametableBase`, a.frametableBase, ["pdx-zero", "first-ram-group"]);
  checked.add(a);
  return a;
}
