import { hex } from "../pdx/bits.js";
import type { ProbeJson } from "../pdx/result-json.js";
import type { Pdx } from "./pdx.js";

/**
 * A probe of one PFN through the WASM engine: pdx = pfn_to_pdx(pfn), its round trip,
 * pdx_is_region_compressible(pfn << PAGE_SHIFT, 1), maddr = (pfn << PAGE_SHIFT) | 0xabc
 * and maddr_to_directmapoff(maddr), the columns of research/pdx.md §6.5.
 */
export function probePfn(pdx: Pdx, pfn: bigint): ProbeJson {
  const shift = BigInt(pdx.platform.arch.pageShift);
  const p = pdx.pfnToPdx(pfn);
  const maddr = BigInt.asUintN(64, (pfn << shift) | 0xabcn);
  return {
    pfn: hex(pfn), pdx: hex(p), roundtrip: hex(pdx.pdxToPfn(p)), compressible: pdx.isRegionCompressible(pfn << shift, 1n),
    maddr: hex(maddr), directmapoff: hex(pdx.maddrToDirectmapoff(maddr)), mfn_valid: pdx.mfnValid(pfn),
  };
}
