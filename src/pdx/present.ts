/**
 * What the CLI (`xenmm pdx`, `xenmm report`) and the playground show of a PDX result, as
 * data: each table is `{header, rows}` of strings and each JSON block a plain object, so
 * the terminal, the HTML report and the page only format them and cannot drift apart.
 */
import { hex } from "./bits.js";
import { humanBytes, type SchemeComparison } from "./compare.js";
import { maskFields, offsetRows } from "./describe.js";
import { SCHEMES, type MaskState, type OffsetState } from "./state.js";

export interface Table { header: string[]; rows: string[][] }

/** Linear memory for one PDX view: frame tables are backed per group, so this is plenty. */
export const PDX_ENGINE_BYTES = 256 << 20;

/** none / mask / offset side by side: compression, PDX span and frame-table size. */
export function sizesTable(c: SchemeComparison): Table {
  const per = (f: (s: (typeof SCHEMES)[number]) => string) => SCHEMES.map(f);
  return {
    header: ["", ...per((s) => (s === c.defaultScheme ? `${s} (default)` : s))],
    rows: [
      ["compresses", ...per((s) => (c.outcomes[s].platform.state.compressed ? "yes" : s === "none" ? "-" : "no"))],
      ["max_pdx", ...per((s) => hex(c.outcomes[s].platform.maxPdx))],
      ["PDX span", ...per((s) => hex(c.outcomes[s].platform.frametableFrames))],
      ["frame table (virtual)", ...per((s) => humanBytes(c.outcomes[s].frametableBytes))],
      ["frame table (backed)", ...per((s) => humanBytes(c.outcomes[s].populatedBytes))],
    ],
  };
}

/** The regions offset compression placed, one row each, in PDX order. */
export function offsetTable(state: OffsetState): Table {
  return {
    header: ["region", "slot", "pfn_base", "offset", "PDX range"],
    rows: offsetRows(state).map((r) => [String(r.region), String(r.slot), hex(r.pfnBase), hex(r.offset), `[${hex(r.pdxFirst)}, ${hex(r.pdxEnd)})`]),
  };
}

/** The line above the offset table: the shifts, the region size and the table length. */
export function offsetSummary(s: OffsetState): string {
  return `pfn_index_shift ${s.pfnIndexShift}, pdx_index_shift ${s.pdxIndexShift}, region size ${hex(s.pdxRegionSize)} pages, ${s.pfnPdxLookup.length} table entries`;
}

/** The PFN bits mask compression removes, `high..low` inclusive; undefined when it removes none. */
export function holeBits(state: MaskState): { high: number; low: number } | undefined {
  return maskFields(state).find((f) => f.kind === "hole");
}

/** The `schemes` block of the JSON: each scheme's outcome on the same map. */
export function schemesJson(c: SchemeComparison) {
  return Object.fromEntries(SCHEMES.map((s) => [s, {
    compressed: c.outcomes[s].platform.state.compressed, max_pdx: hex(c.outcomes[s].platform.maxPdx),
    frametable_bytes: hex(c.outcomes[s].frametableBytes), frametable_populated_bytes: hex(c.outcomes[s].populatedBytes),
  }]));
}
