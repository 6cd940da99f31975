/**
 * `pfn_pdx_compression_setup`: the common early exits, then the chosen scheme's
 * algorithm. Setup fails soft, like Xen: it logs why and returns the identity state.
 */
import { maskSetup } from "./mask-setup.js";
import { offsetSetup } from "./offset-setup.js";
import type { PfnRange, SetupParams } from "./params.js";
import { identityState, type PdxState, type SchemeName } from "./state.js";

export interface SetupOutcome {
  readonly state: PdxState;
  /** Xen's log lines for this setup, in order. */
  readonly log: readonly string[];
}

export function compressionSetup(scheme: SchemeName, ranges: readonly PfnRange[], p: SetupParams): SetupOutcome {
  const log: string[] = [];
  const identity = identityState(scheme, p.pageShift, p.tableOrder);
  if (scheme === "none") return { state: identity, log };
  if (ranges.length === 0) {
    log.push("PFN compression disabled: no ranges provided");
    return { state: identity, log };
  }
  if (ranges.length > p.maxRanges) {
    log.push(`Too many PFN ranges (${ranges.length} > ${p.maxRanges}), not attempting PFN compression`);
    return { state: identity, log };
  }
  const state = scheme === "mask" ? maskSetup(ranges, p, log) : offsetSetup(ranges, p, log);
  return { state, log };
}
