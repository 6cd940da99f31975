/**
 * The object `xenmm pdx MAP --json` prints, built from the same comparison and the same
 * presenters (paramsJson, hex), so the page shows exactly what the CLI reports. The CLI
 * keeps its builder private in src/cli/pdx.ts, which imports node:fs, so this mirrors
 * its field list; test/web checks the two stay equal on catalogue maps.
 */
import { hex } from "../pdx/bits.js";
import type { SchemeComparison } from "../pdx/compare.js";
import { paramsJson } from "../pdx/describe.js";
import { SCHEMES, type SchemeName } from "../pdx/state.js";

export interface ProbeJson { pfn: string; pdx: string; roundtrip: string; compressible: boolean; maddr: string; directmapoff: string; mfn_valid: boolean }

export function pdxJson(c: SchemeComparison, scheme: SchemeName, probes: ProbeJson[] = []) {
  const o = c.outcomes[scheme];
  const p = o.platform;
  return {
    scheme, compressed: p.state.compressed, params: paramsJson(p.state),
    max_pdx: hex(p.maxPdx), frametable_bytes: hex(o.frametableBytes), probes,
    arch: c.arch.name, map: c.map.name, default_scheme: c.defaultScheme,
    max_page: hex(p.maxPage), frametable_base_pdx: hex(p.frametableBasePdx), frametable_populated_bytes: hex(o.populatedBytes),
    setup: { max_order: p.params.maxOrder, base: hex(p.params.base), table_order: p.params.tableOrder, page_shift: p.params.pageShift },
    log: p.log, warnings: c.map.warnings,
    schemes: Object.fromEntries(SCHEMES.map((s) => [s, {
      compressed: c.outcomes[s].platform.state.compressed, max_pdx: hex(c.outcomes[s].platform.maxPdx),
      frametable_bytes: hex(c.outcomes[s].frametableBytes), frametable_populated_bytes: hex(c.outcomes[s].populatedBytes),
    }])),
    verdict: c.verdict,
  };
}
