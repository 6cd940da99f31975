/**
 * The result of PDX setup: an immutable description of one scheme's translation state.
 * Field names follow Xen's globals (docs/notes/pdx.md §3.1, §4.1) so that reports and JSON
 * can be read side by side with Xen's code. Identity values mean "not compressing".
 */
import { InvalidArgumentError } from "../errors.js";
import { describeValue } from "../u64.js";
import { U64_MAX } from "./bits.js";
import { SCHEMES, type SchemeName } from "../schemes.js";

export { SCHEMES, type SchemeName } from "../schemes.js";

/** What every scheme's state shares: the page size and whether setup compressed. */
interface StateBase {
  readonly pageShift: number;
  /** Setup returned true and (for arch callers) the coverage check kept it. */
  readonly compressed: boolean;
}

export interface NoneState extends StateBase {
  readonly scheme: "none";
}

/** Mask compression removes one run of always-zero PFN bits (the hole). */
export interface MaskState extends StateBase {
  readonly scheme: "mask";
  readonly pfnPdxBottomMask: bigint;
  readonly maVaBottomMask: bigint;
  readonly pfnTopMask: bigint;
  readonly maTopMask: bigint;
  readonly pfnHoleMask: bigint;
  /** Width of the hole in bits (W). */
  readonly pfnPdxHoleShift: number;
}

/** Offset compression moves each RAM region to a power-of-two PDX slot via lookup tables. */
export interface OffsetState extends StateBase {
  readonly scheme: "offset";
  /** CONFIG_PDX_OFFSET_TBL_ORDER: the tables have 2^tableOrder entries. */
  readonly tableOrder: number;
  readonly pfnIndexShift: number;
  readonly pdxIndexShift: number;
  readonly pdxRegionSize: bigint;
  /** Indexed by PFN table slot. */
  readonly pfnPdxLookup: readonly bigint[];
  /** Indexed by region ordinal (PDX region i covers [i·size, (i+1)·size)). */
  readonly pdxPfnLookup: readonly bigint[];
  /** Indexed by PFN table slot; all ones for unused slots once compressing. */
  readonly pfnBases: readonly bigint[];
}

export type PdxState = NoneState | MaskState | OffsetState;

export function identityNone(pageShift: number): NoneState {
  return { scheme: "none", pageShift, compressed: false };
}

export function identityMask(pageShift: number): MaskState {
  return {
    scheme: "mask", pageShift, compressed: false,
    pfnPdxBottomMask: U64_MAX, maVaBottomMask: U64_MAX, pfnTopMask: 0n, maTopMask: 0n, pfnHoleMask: 0n, pfnPdxHoleShift: 0,
  };
}

export function identityOffset(pageShift: number, tableOrder: number): OffsetState {
  const nr = 1 << tableOrder;
  return {
    scheme: "offset", pageShift, compressed: false, tableOrder,
    pfnIndexShift: 0, pdxIndexShift: 0, pdxRegionSize: U64_MAX,
    pfnPdxLookup: new Array<bigint>(nr).fill(0n), pdxPfnLookup: new Array<bigint>(nr).fill(0n), pfnBases: new Array<bigint>(nr).fill(0n),
  };
}

/** The state a scheme has when it does not compress (after a failed setup or a reset). */
export function identityState(scheme: SchemeName, pageShift: number, tableOrder: number): PdxState {
  switch (scheme) {
    case "none": return identityNone(pageShift);
    case "mask": return identityMask(pageShift);
    case "offset": return identityOffset(pageShift, tableOrder);
  }
}

/** States already checked (setup's own results are checked once, on first use). */
const checkedStates = new WeakSet<object>();
let lastChecked: PdxState | undefined;

const isU64 = (v: unknown) => typeof v === "bigint" && v >= 0n && v <= U64_MAX;
const isInt = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** Why `s` is not a usable PdxState, or undefined when it is. */
function stateProblem(s: Record<string, unknown>): string | undefined {
  if (!(SCHEMES as readonly unknown[]).includes(s.scheme)) return `unknown scheme ${typeof s.scheme === "string" ? JSON.stringify(s.scheme) : typeof s.scheme}`;
  if (!isInt(s.pageShift, 10, 24) || typeof s.compressed !== "boolean") return "pageShift must be an integer in 10..24 and compressed a boolean";
  if (s.scheme === "mask") {
    const masks = ["pfnPdxBottomMask", "maVaBottomMask", "pfnTopMask", "maTopMask", "pfnHoleMask"];
    if (!masks.every((k) => isU64(s[k])) || !isInt(s.pfnPdxHoleShift, 0, 63)) return `${masks.join(", ")} must be u64 bigints and pfnPdxHoleShift an integer in 0..63`;
  }
  if (s.scheme === "offset") {
    if (!isInt(s.tableOrder, 0, 9) || !isInt(s.pfnIndexShift, 0, 64) || !isInt(s.pdxIndexShift, 0, 64) || !isU64(s.pdxRegionSize)) return "tableOrder must be in 0..9, the index shifts in 0..64 and pdxRegionSize a u64 bigint";
    const entries = 2 ** (s.tableOrder as number);
    for (const k of ["pfnPdxLookup", "pdxPfnLookup", "pfnBases"]) {
      const t = s[k];
      if (!Array.isArray(t) || t.length !== entries || !t.every(isU64)) return `${k} must be an array of ${entries} u64 bigints`;
    }
  }
  return undefined;
}

/** `s` as a PdxState, or an InvalidArgumentError saying which field is wrong. */
export function checkPdxState(s: unknown): PdxState {
  if (s === lastChecked) return s as PdxState; // hot loops pass one state: skip the WeakSet
  if (checkedStates.has(s as object)) return (lastChecked = s as PdxState);
  if (s === null || typeof s !== "object") throw new InvalidArgumentError("state", `expected a PdxState (platform.state), got ${describeValue(s)}`);
  const problem = stateProblem(s as Record<string, unknown>);
  if (problem) throw new InvalidArgumentError("state", problem);
  checkedStates.add(s);
  return (lastChecked = s as PdxState);
}
