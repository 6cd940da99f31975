/**
 * The object `xenmm pdx MAP --json` prints (issue-specified fields first, extras after),
 * shared by the CLI and the playground so both show exactly the same values.
 */
import { hex } from "./bits.js";
import type { SchemeComparison } from "./compare.js";
import { paramsJson } from "./describe.js";
import { SCHEMES, type SchemeName } from "./state.js";

/** One probed PFN, as computed by the WASM engine (src/engine/probe.ts). */
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
