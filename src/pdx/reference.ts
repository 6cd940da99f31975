/**
 * Pure-TypeScript conversions over a PdxState: the reference the WASM engine is tested
 * against, and the `js-bigint` benchmark baseline. Formulas: research/pdx.md §3.3–§3.4,
 * §4.3–§4.4, §5.2. All arithmetic is modulo 2^64; invalid inputs alias, as in Xen.
 */
import { pdxRegionMask, U64_MAX, u64 } from "./bits.js";
import type { OffsetState, PdxState } from "./state.js";

const tableIndex = (s: OffsetState, value: bigint, shift: number) => Number((value >> BigInt(shift)) & BigInt((1 << s.tableOrder) - 1));

export function pfnToPdx(s: PdxState, pfn: bigint): bigint {
  switch (s.scheme) {
    case "none": return pfn;
    case "mask": return (pfn & s.pfnPdxBottomMask) | ((pfn & s.pfnTopMask) >> BigInt(s.pfnPdxHoleShift));
    case "offset": return u64(pfn - s.pfnPdxLookup[tableIndex(s, pfn, s.pfnIndexShift)]);
  }
}

export function pdxToPfn(s: PdxState, pdx: bigint): bigint {
  switch (s.scheme) {
    case "none": return pdx;
    case "mask": return (pdx & s.pfnPdxBottomMask) | (u64(pdx << BigInt(s.pfnPdxHoleShift)) & s.pfnTopMask);
    case "offset": return u64(pdx + s.pdxPfnLookup[tableIndex(s, pdx, s.pdxIndexShift)]);
  }
}

export function maddrToDirectmapoff(s: PdxState, maddr: bigint): bigint {
  switch (s.scheme) {
    case "none": return maddr;
    case "mask": return ((maddr & s.maTopMask) >> BigInt(s.pfnPdxHoleShift)) | (maddr & s.maVaBottomMask);
    case "offset": return u64(maddr - (s.pfnPdxLookup[tableIndex(s, maddr, s.pfnIndexShift + s.pageShift)] << BigInt(s.pageShift)));
  }
}

export function directmapoffToMaddr(s: PdxState, off: bigint): bigint {
  switch (s.scheme) {
    case "none": return off;
    case "mask": return (u64(off << BigInt(s.pfnPdxHoleShift)) & s.maTopMask) | (off & s.maVaBottomMask);
    case "offset": return u64(off + (s.pdxPfnLookup[tableIndex(s, off, s.pdxIndexShift + s.pageShift)] << BigInt(s.pageShift)));
  }
}

/** Whether `npages` pages from byte address `base` translate as one contiguous block. */
export function isRegionCompressible(s: PdxState, base: bigint, npages: bigint): boolean {
  base = u64(base); // paddr_t is 64 bits: an address shifted past bit 63 wraps, as in Xen
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
export function isPfnInScheme(s: PdxState, pfn: bigint): boolean {
  switch (s.scheme) {
    case "none": return true;
    case "mask": return (pfn & s.pfnHoleMask) === 0n;
    case "offset": {
      const b = s.pfnBases[tableIndex(s, pfn, s.pfnIndexShift)];
      return b <= pfn && pfn < u64(b + s.pdxRegionSize);
    }
  }
}
