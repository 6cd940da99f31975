/**
 * Reading a PDX benchmark run: ratios taken within the run (scheme vs none, WASM vs the
 * best JS form, two threads vs one) and the targets, met or missed by how much.
 */
import type { PdxBenchReport, PdxBenchResult } from "./pdx.js";

const key = (r: PdxBenchResult, over: Partial<PdxBenchResult> = {}) => {
  const k = { ...r, ...over };
  return `${k.workload}|${k.map}|${k.scheme}|${k.impl}|${k.threads}`;
};

export interface Ratios {
  /** ns/op of this row ÷ ns/op of the same row under PDX_NONE (1.0 = no overhead). */
  vsNone?: number;
  /** For WASM rows: ns/op of the best JS form ÷ this row's ns/op (speed-up). */
  vsBestJs?: number;
}

export function ratios(report: PdxBenchReport): Map<PdxBenchResult, Ratios> {
  const byKey = new Map(report.results.map((r) => [key(r), r]));
  const out = new Map<PdxBenchResult, Ratios>();
  for (const r of report.results) {
    const none = byKey.get(key(r, { scheme: "none" }));
    const js = ["js-bigint", "js-number"].map((impl) => byKey.get(key(r, { impl: impl as PdxBenchResult["impl"], threads: 1 }))).filter((x) => x !== undefined);
    const bestJs = js.length ? Math.min(...js.map((x) => x.ns_per_op)) : undefined;
    out.set(r, {
      vsNone: none && r.scheme !== "none" ? r.ns_per_op / none.ns_per_op : undefined,
      vsBestJs: r.impl.startsWith("wasm") && bestJs !== undefined ? bestJs / r.ns_per_op : undefined,
    });
  }
  return out;
}

export interface TargetCheck { target: string; measured: string; met: boolean }

const fmt = (x: number, digits = 2) => x.toFixed(digits);

export function checkTargets(report: PdxBenchReport): TargetCheck[] {
  const rows = report.results;
  const pick = (f: (r: PdxBenchResult) => boolean) => rows.filter(f);
  const conv = (r: PdxBenchResult) => r.workload === "pfn_to_pdx" || r.workload === "pdx_to_pfn";
  const same = (a: PdxBenchResult, b: PdxBenchResult) => a.workload === b.workload && a.map === b.map;
  const out: TargetCheck[] = [];

  const maskSimd = pick((r) => conv(r) && r.scheme === "mask" && r.impl === "wasm-simd" && r.threads === 1);
  if (maskSimd.length) {
    const worst = Math.min(...maskSimd.map((r) => r.ops_per_s)) / 1e6;
    out.push({ target: "WASM batch mask conversion ≥ 500 M PFNs/s (1 thread)", measured: `${fmt(worst, 0)}–${fmt(Math.max(...maskSimd.map((r) => r.ops_per_s)) / 1e6, 0)} M/s`, met: worst >= 500 });
  }
  for (const [scheme, limit] of [["mask", 1.3], ["offset", 2]] as const) {
    const ratiosOf = pick((r) => conv(r) && r.scheme === scheme && r.impl === "wasm-simd" && r.threads === 1).flatMap((r) => {
      const none = rows.find((n) => same(n, r) && n.scheme === "none" && n.impl === "wasm-simd" && n.threads === 1);
      return none ? [r.ns_per_op / none.ns_per_op] : [];
    });
    if (ratiosOf.length) out.push({ target: `${scheme} overhead vs none ≤ ${limit}× (WASM batch)`, measured: `${fmt(Math.min(...ratiosOf))}–${fmt(Math.max(...ratiosOf))}×`, met: Math.max(...ratiosOf) <= limit });
  }
  for (const [impl, limit] of [["js-bigint", 20], ["js-number", 2]] as const) {
    const speedups = pick((r) => conv(r) && r.scheme !== "none" && r.impl === "wasm-simd" && r.threads === 1).flatMap((r) => {
      const js = rows.find((j) => same(j, r) && j.scheme === r.scheme && j.impl === impl);
      return js ? [js.ns_per_op / r.ns_per_op] : [];
    });
    if (speedups.length) out.push({ target: `WASM batch ≥ ${limit}× ${impl}`, measured: `${fmt(Math.min(...speedups), 1)}–${fmt(Math.max(...speedups), 1)}×`, met: Math.min(...speedups) >= limit });
  }
  const calls = pick((r) => r.impl === "wasm-call");
  if (calls.length) {
    const worst = Math.max(...calls.map((r) => r.ns_per_op));
    out.push({ target: "per-item call through the public TS API ≤ 15 ns", measured: `${fmt(Math.min(...calls.map((r) => r.ns_per_op)), 1)}–${fmt(worst, 1)} ns`, met: worst <= 15 });
  }
  const scaling = pick((r) => conv(r) && r.threads === 2).flatMap((r) => {
    const one = rows.find((o) => same(o, r) && o.scheme === r.scheme && o.impl === r.impl && o.threads === 1);
    return one ? [one.ns_per_op / r.ns_per_op] : [];
  });
  if (scaling.length) out.push({ target: "two threads ≥ 1.7× one thread (batch conversions)", measured: `${fmt(Math.min(...scaling))}–${fmt(Math.max(...scaling))}×`, met: Math.min(...scaling) >= 1.7 });
  return out;
}
