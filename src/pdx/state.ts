/**
 * The result of PDX setup: an immutable description of one scheme's translation state.
 * Field names follow Xen's globals (research/pdx.md §3.1, §4.1) so that reports and JSON
 * can be read side by side with Xen's code. Identity values mean "not compressing".
 */
import { U64_MAX } from "./bits.js";

export type SchemeName = "none" | "mask" | "offset";
export const SCHEMES: readonly SchemeName[] = ["none", "mask", "offset"];

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
