/**
 * Pure-TypeScript conversions over a PdxState: the reference the WASM engine is tested
 * against, and the `js-bigint` benchmark baseline. Formulas: docs/notes/pdx.md §3.3–§3.4,
 * §4.3–§4.4, §5.2. All arithmetic is modulo 2^64; PFNs that no RAM backs alias, as in Xen.
 * Inputs follow the API's one rule (src/u64.ts): a value outside [0, 2^64) is refused,
 * never wrapped, and the state must be a PdxState (checked once per state object).
 */
import { toU64, type U64Input } from "../u64.js";
import { pdxRegionMask, U64_MAX, u64 } from "./bits.js";
import { checkPdxState, type OffsetState, type PdxState } from "./state.js";

const tableIndex = (s: OffsetState, value: bigint, shift: number) => Number((value >> BigInt(shift)) & BigInt((1 << s.tableOrder) - 1));

export function pfnToPdx(state: PdxState, pfnInput: U64Input): bigint {
  const s = checkPdxState(state);
  const pfn = toU64("pfnToPdx(pfn)", pfnInput);
  switch (s.scheme) {
    case "none": return pfn;
    case "mask": return (pfn & s.pfnPdxBottomMask) | ((pfn & s.pfnTopMask) >> BigInt(s.pfnPdxHoleShift));
    case "offset": return u64(pfn - s.pfnPdxLookup[tableIndex(s, pfn, s.pfnIndexShift)]);
  }
}

export function pdxToPfn(state: PdxState, pdxInput: U64Input): bigint {
  const s = checkPdxState(state);
  const pdx = toU64("pdxToPfn(pdx)", pdxInput);
  switch (s.scheme) {
    case "none": return pdx;
    case "mask": return (pdx & s.pfnPdxBottomMask) | (u64(pdx << BigInt(s.pfnPdxHoleShift)) & s.pfnTopMask);
    case "offset": return u64(pdx + s.pdxPfnLookup[tableIndex(s, pdx, s.pdxIndexShift)]);
  }
}

export function maddrToDirectmapoff(state: PdxState, maddrInput: U64Input): bigint {
  const s = checkPdxState(state);
  const maddr = toU64("maddrToDirectmapoff(maddr)", maddrInput);
  switch (s.scheme) {
    case "none": return maddr;
    case "mask": return ((maddr & s.maTopMask) >> BigInt(s.pfnPdxHoleShift)) | (maddr & s.maVaBottomMask);
    case "offset": return u64(maddr - (s.pfnPdxLookup[tableIndex(s, maddr, s.pfnIndexShift + s.pageShift)] << BigInt(s.pageShift)));
  }
}

export function directmapoffToMaddr(state: PdxState, offInput: U64Input): bigint {
  const s = checkPdxState(state);
  const off = toU64("directmapoffToMaddr(off)", offInput);
  switch (s.scheme) {
    case "none": return off;
    case "mask": return (u64(off << BigInt(s.pfnPdxHoleShift)) & s.maTopMask) | (off & s.maVaBottomMask);
    case "offset": return u64(off + (s.pdxPfnLookup[tableIndex(s, off, s.pdxIndexShift + s.pageShift)] << BigInt(s.pageShift)));
  }
}

/** Whether `npages` pages from byte address `base` translate as one contiguous block. */
export function isRegionCompressible(state: PdxState, baseInput: U64Input, npagesInput: U64Input): boolean {
  const s = checkPdxState(state);
  const base = toU64("isRegionCompressible(base)", baseInput);
  const npages = toU64("isRegionCompressible(npages)", npagesInput);
  const pfn = base >> BigInt(s.pageShift);
  switch (s.scheme) {
    case "none": return true;
    case "mask":
      return (pfn & s.pfnHoleMask) === 0n && (pdxRegionMask(base, npages << BigInt(s.pageShift)) & ~s.maVaBottomMask & U64_MAX) === 0n;
    case "offset": {
      const b = s.pfnBases[tableIndex(s, pfn, s.pfnIndexShift)];
      return pfn >= b && u64(pfn + npages) <= u64(b + s.pdxRegionSize);
    }
  }
}

/** The compression part of `__mfn_valid`: mask hole bits clear, or inside the slot's region. */
export function isPfnInScheme(state: PdxState, pfnInput: U64Input): boolean {
  const s = checkPdxState(state);
  const pfn = toU64("isPfnInScheme(pfn)", pfnInput);
  switch (s.scheme) {
    case "none": return true;
    case "mask": return (pfn & s.pfnHoleMask) === 0n;
    case "offset": {
      const b = s.pfnBases[tableIndex(s, pfn, s.pfnIndexShift)];
      return b <= pfn && pfn < u64(b + s.pdxRegionSize);
    }
  }
}
