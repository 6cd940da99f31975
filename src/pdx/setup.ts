/**
 * `pfn_pdx_compression_setup`: the common early exits, then the chosen scheme's
 * algorithm. Setup fails soft, like Xen: it logs why and returns the identity state.
 */
import { maskSetup } from "./mask-setup.js";
import { offsetSetup } from "./offset-setup.js";
import { MAX_ORDER_RANGE, TABLE_ORDER_RANGE, type PfnRange, type SetupParams } from "./params.js";
import { InvalidArgumentError } from "../errors.js";
import { intIn, oneOf } from "../options.js";
import { describeValue, toU64 } from "../u64.js";
import { identityState, SCHEMES, type PdxState, type SchemeName } from "./state.js";

export interface SetupOutcome {
  readonly state: PdxState;
  /** Xen's log lines for this setup, in order. */
  readonly log: readonly string[];
}

/** The caller's parameters, checked against the same bounds as setup() options. */
function checkParams(p: SetupParams): SetupParams {
  if (p === null || typeof p !== "object") throw new InvalidArgumentError("compressionSetup(params)", `expected SetupParams, got ${describeValue(p)}`);
  return {
    maxOrder: intIn("params.maxOrder", p.maxOrder, ...MAX_ORDER_RANGE),
    pageShift: intIn("params.pageShift", p.pageShift, 10, 24),
    tableOrder: intIn("params.tableOrder", p.tableOrder, ...TABLE_ORDER_RANGE),
    maxRanges: intIn("params.maxRanges", p.maxRanges, 0, 65536),
    base: toU64("params.base", p.base),
  };
}

/** Far above any arch's MAX_PFN_RANGES (setup declines above that, after counting). */
const MAX_SETUP_RANGES = 1 << 20;

/** PFN ranges: u64 bases and page counts whose end still fits in 64 bits. */
function checkPfnRanges(ranges: readonly PfnRange[]): PfnRange[] {
  if (!Array.isArray(ranges) || ranges.length > MAX_SETUP_RANGES)
    throw new InvalidArgumentError("compressionSetup(ranges)", `expected an array of at most ${MAX_SETUP_RANGES} {basePfn, pages}, got ${describeValue(ranges)}`);
  return Array.from(ranges, (r, i) => {
    if (r === null || typeof r !== "object") throw new InvalidArgumentError(`ranges[${i}]`, `expected {basePfn, pages}, got ${describeValue(r)}`);
    const basePfn = toU64(`ranges[${i}].basePfn`, r.basePfn);
    const pages = toU64(`ranges[${i}].pages`, r.pages);
    if (basePfn + pages > 1n << 64n) throw new InvalidArgumentError(`ranges[${i}]`, "basePfn + pages is above 2^64");
    return { basePfn, pages };
  });
}

export function compressionSetup(scheme: SchemeName, pfnRanges: readonly PfnRange[], params: SetupParams): SetupOutcome {
  oneOf("compressionSetup(scheme)", scheme, SCHEMES);
  const ranges = checkPfnRanges(pfnRanges);
  const p = checkParams(params);
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
