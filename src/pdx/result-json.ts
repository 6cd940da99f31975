/**
 * The object `xenmm pdx MAP --json` prints (issue-specified fields first, extras after),
 * shared by the CLI and the playground so both show exactly the same values.
 */
import type { RamRange } from "../memmap/map.js";
import { ASKED_FOR, type ArchChoice } from "./arch-choice.js";
import { hex } from "./bits.js";
import type { SchemeComparison } from "./compare.js";
import { paramsJson } from "./describe.js";
import { machineFacts } from "./machine-facts.js";
import { schemesJson } from "./present.js";
import type { SchemeName } from "./state.js";

const spans = (rs: readonly RamRange[]) => rs.map((r) => [hex(r.start), hex(r.end)]);
/** 1-based input lines (or JSON fields) each range was read from: which lines were used. */
const sources = (rs: readonly RamRange[]) => rs.map((r) => r.line ?? r.field ?? null);

/** One probed PFN, as computed by the WASM engine (src/engine/probe.ts). */
export interface ProbeJson { pfn: string; pdx: string; roundtrip: string; compressible: boolean; maddr: string; directmapoff: string; mfn_valid: boolean }

/** `archChoice` says where the arch came from (issue 10 §2); callers that let the user pick it pass nothing. */
export function pdxJson(c: SchemeComparison, scheme: SchemeName, probes: ProbeJson[] = [], archChoice: Pick<ArchChoice, "source" | "reason"> = ASKED_FOR) {
  const o = c.outcomes[scheme];
  const p = o.platform;
  const facts = machineFacts(c);
  const coverageDiffers = c.map.coverage !== c.map.ranges;
  return {
    scheme, compressed: p.state.compressed, params: paramsJson(p.state),
    max_pdx: hex(p.maxPdx), frametable_bytes: hex(o.frametableBytes), probes,
    arch: c.arch.name, map: c.map.name, default_scheme: c.defaultScheme,
    max_page: hex(p.maxPage), frametable_base_pdx: hex(p.frametableBasePdx), frametable_populated_bytes: hex(o.populatedBytes),
    setup: { max_order: p.params.maxOrder, base: hex(p.params.base), table_order: p.params.tableOrder, page_shift: p.params.pageShift },
    log: p.log, warnings: c.map.warnings,
    schemes: schemesJson(c),
    verdict: c.verdict,
    arch_source: archChoice.source, arch_reason: archChoice.reason, format: c.map.format, machine: c.map.machine ?? null,
    ranges: spans(c.map.ranges),
    coverage_ranges: coverageDiffers ? spans(c.map.coverage) : null,
    nodes: c.map.ranges.map((r) => r.node ?? null),
    lines_used: { ranges: sources(c.map.ranges), coverage_ranges: coverageDiffers ? sources(c.map.coverage) : null },
    ram_bytes: hex(facts.ramBytes), highest_address: hex(facts.highestAddress), numa_nodes: facts.numaNodes,
    compresses: facts.compresses, saving: Math.round(facts.saving * 100) / 100, pdx_none: facts.pdxNone,
  };
}
