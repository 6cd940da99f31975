import { InvalidArgumentError } from "../errors.js";
import { hex, u64 } from "../pdx/bits.js";
import type { ProbeJson } from "../pdx/result-json.js";
import { describeValue, toU64, type U64Input } from "../u64.js";
import { Pdx } from "./pdx.js";

/**
 * A probe of one PFN through the WASM engine: pdx = pfn_to_pdx(pfn), its round trip,
 * pdx_is_region_compressible(pfn << PAGE_SHIFT, 1), maddr = (pfn << PAGE_SHIFT) | 0xabc
 * and maddr_to_directmapoff(maddr), the columns of docs/notes/pdx.md §6.5. Addresses are
 * paddr_t, 64 bits: a PFN shifted past bit 63 wraps, as in Xen.
 */
export function probePfn(pdx: Pdx, pfnInput: U64Input): ProbeJson {
  if (!(pdx instanceof Pdx)) throw new InvalidArgumentError("probePfn(pdx)", `expected a Pdx from engine.setup, got ${describeValue(pdx)}`);
  const pfn = toU64("probePfn(pfn)", pfnInput);
  const shift = BigInt(pdx.platform.arch.pageShift);
  const p = pdx.pfnToPdx(pfn);
  const maddr = u64((pfn << shift) | 0xabcn);
  return {
    pfn: hex(pfn), pdx: hex(p), roundtrip: hex(pdx.pdxToPfn(p)), compressible: pdx.isRegionCompressible(u64(pfn << shift), 1n),
    maddr: hex(maddr), directmapoff: hex(pdx.maddrToDirectmapoff(maddr)), mfn_valid: pdx.mfnValid(pfn),
  };
}
