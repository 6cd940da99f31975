/**
 * Presentations of a PdxState shared by the CLI, the HTML report and the playground:
 * Xen-named parameters as JSON, the PFN bit diagram of mask mode, the offset table.
 */
import { hex, U64_MAX } from "./bits.js";
import { InvalidArgumentError } from "../errors.js";
import { checkPdxState, type MaskState, type OffsetState, type PdxState } from "./state.js";

/** A checked state of one scheme, or an InvalidArgumentError naming the function. */
function stateOf<S extends PdxState["scheme"]>(state: unknown, scheme: S, fn: string): Extract<PdxState, { scheme: S }> {
  const s = checkPdxState(state);
  if (s.scheme !== scheme) throw new InvalidArgumentError(`${fn}(state)`, `expected a ${scheme} state, got ${s.scheme}`);
  return s as Extract<PdxState, { scheme: S }>;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** `{"index": hex}` for entries that differ from `fallback`. */
function sparse(values: readonly bigint[], fallback: bigint): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => { if (v !== fallback) out[String(i)] = hex(v); });
  return out;
}

/** Xen's global names and values; 64-bit values as hex strings, shifts as numbers. */
export function paramsJson(state: PdxState): Record<string, Json> {
  const s = checkPdxState(state);
  switch (s.scheme) {
    case "none": return {};
    case "mask": return {
      pfn_pdx_bottom_mask: hex(s.pfnPdxBottomMask), ma_va_bottom_mask: hex(s.maVaBottomMask),
      pfn_top_mask: hex(s.pfnTopMask), ma_top_mask: hex(s.maTopMask),
      pfn_hole_mask: hex(s.pfnHoleMask), pfn_pdx_hole_shift: s.pfnPdxHoleShift,
    };
    case "offset": return {
      pfn_index_shift: s.pfnIndexShift, pdx_index_shift: s.pdxIndexShift, pdx_region_size: hex(s.pdxRegionSize),
      pfn_pdx_lookup: sparse(s.pfnPdxLookup, 0n), pdx_pfn_lookup: sparse(s.pdxPfnLookup, 0n), pfn_bases: sparse(s.pfnBases, U64_MAX),
      table_entries: s.pfnPdxLookup.length,
    };
  }
}

export interface BitField { kind: "top" | "hole" | "bottom"; high: number; low: number }

/** The PFN's bit fields under mask compression, most significant first. */
export function maskFields(state: MaskState): BitField[] {
  const s = stateOf(state, "mask", "maskFields");
  const low = s.pfnHoleMask === 0n ? 64 : s.pfnPdxBottomMask.toString(2).length;
  if (s.pfnPdxHoleShift === 0) return [{ kind: "bottom", high: 63, low: 0 }];
  return [
    { kind: "top", high: 63, low: low + s.pfnPdxHoleShift },
    { kind: "hole", high: low + s.pfnPdxHoleShift - 1, low },
    { kind: "bottom", high: low - 1, low: 0 },
  ];
}

/** Two text lines: one character per PFN bit (T kept above, · removed, B kept below) and a legend. */
export function bitDiagram(state: MaskState): string[] {
  const fields = maskFields(stateOf(state, "mask", "bitDiagram"));
  const glyph = { top: "T", hole: "·", bottom: "B" };
  const bits = fields.map((f) => glyph[f.kind].repeat(f.high - f.low + 1)).join("");
  const legend = fields.map((f) => `${f.kind === "hole" ? "removed" : "kept"} ${f.kind} ${f.high}..${f.low}`).join(" | ");
  return [`bit 63 ${bits} bit 0`, legend];
}

export interface OffsetRow { region: number; slot: number; pfnBase: bigint; offset: bigint; pdxFirst: bigint; pdxEnd: bigint }

/** The regions offset compression placed, in PDX order. */
export function offsetRows(state: OffsetState): OffsetRow[] {
  const s = stateOf(state, "offset", "offsetRows");
  if (!s.compressed) return [];
  const rows: OffsetRow[] = [];
  s.pfnBases.forEach((base, slot) => {
    if (base === U64_MAX) return;
    const region = Number((base - s.pfnPdxLookup[slot]) / s.pdxRegionSize);
    rows.push({ region, slot, pfnBase: base, offset: s.pfnPdxLookup[slot], pdxFirst: BigInt(region) * s.pdxRegionSize, pdxEnd: BigInt(region + 1) * s.pdxRegionSize });
  });
  return rows.sort((a, b) => a.region - b.region);
}
