/**
 * Reading a PDX benchmark run: ratios taken within the run (scheme vs none, WASM vs
 * native C and vs the best JS form, two threads vs one) and the issue's targets, met or
 * missed by how much. Ratios between rows sampled in the same rounds are taken round by
 * round, over the quieter half of the rounds (quietRatio), and reported as a median with the
 * middle half (bench/stats.ts).
 */
import type { PdxBenchReport, PdxBenchResult } from "./pdx.js";
import { NATIVE_OPS } from "./native-source.js";
import { quantile, ratioSpread, type Spread } from "./stats.js";

/** The suite's defaults, shared by `xenmm bench` and the playground. */
export const PDX_BENCH_DEFAULTS = {
  /** PFNs per conversion batch. */
  items: 1_000_000,
  /** Threads of the multi-thread rows (1 leaves them out). */
  threads: 2,
  /** Frame tables modelled, in GiB of RAM. */
  frametableGiB: { quick: [1], full: [1, 64] },
} as const;

const key = (r: PdxBenchResult, over: Partial<PdxBenchResult> = {}) => {
  const k = { ...r, ...over };
  return `${k.workload}|${k.map}|${k.scheme}|${k.impl}|${k.threads}`;
};

export interface Ratios {
  /** ns/op of this row ÷ ns/op of the same row under PDX_NONE (1.0 = no overhead). */
  vsNone?: Spread;
  /** For WASM rows: ns/op of native-c (same scheme, one thread) ÷ this row's (1.0 = native speed). */
  vsNative?: Spread;
  /** For WASM rows: ns/op of the best JS form ÷ this row's ns/op (speed-up). */
  vsBestJs?: number;
  /**
   * For multi-thread rows: the share of the copy ceiling reached, i.e. ns/op of the flat
   * copy (wasm-simd, PDX_NONE) on as many threads over the same inputs ÷ this row's.
   */
  ofCopyCeiling?: Spread;
}

/**
 * The ratio a/b of two rows sampled in the same rounds, taken round by round over the
 * quieter half of the rounds: those in which the two samples together took at most their
 * median time. Other work on the machine only ever adds time, and it slows the
 * memory-bound copy more than the kernels with work per item, so the rounds it hit say
 * least about the kernels. Over ten pairs of consecutive quick runs this kept 2–4 more of
 * the 44 quoted ratios within ±10 % than all rounds did in six, as many in two, 2 fewer in
 * two (README "Ratios from one run to the next"). Rows not sampled in the same rounds:
 * ratioSpread.
 */
export function quietRatio(a: readonly number[], b: readonly number[]): Spread {
  if (a.length !== b.length || a.length < 4) return ratioSpread(a, b);
  const sums = a.map((x, i) => x + b[i]);
  const cut = quantile(sums, 0.5);
  const quiet = (xs: readonly number[]) => xs.filter((_, i) => sums[i] <= cut);
  return ratioSpread(quiet(a), quiet(b));
}

export function ratios(rows: readonly PdxBenchResult[]): Map<PdxBenchResult, Ratios> {
  const byKey = new Map(rows.map((r) => [key(r), r]));
  const out = new Map<PdxBenchResult, Ratios>();
  for (const r of rows) {
    const none = byKey.get(key(r, { scheme: "none" }));
    const native = byKey.get(key(r, { impl: "native-c", threads: 1 }));
    const copy = r.threads > 1 ? byKey.get(key(r, { scheme: "none", impl: "wasm-simd" })) : undefined;
    const js = ["js-bigint", "js-number"].map((impl) => byKey.get(key(r, { impl: impl as PdxBenchResult["impl"], threads: 1 }))).filter((x) => x !== undefined);
    const bestJs = js.length ? Math.min(...js.map((x) => x.ns_per_op)) : undefined;
    const wasm = r.impl.startsWith("wasm");
    out.set(r, {
      vsNone: none && r.scheme !== "none" ? quietRatio(r.samples, none.samples) : undefined,
      vsNative: wasm && native ? quietRatio(native.samples, r.samples) : undefined,
      vsBestJs: wasm && bestJs !== undefined ? bestJs / r.ns_per_op : undefined,
      ofCopyCeiling: copy ? quietRatio(copy.samples, r.samples) : undefined,
    });
  }
  return out;
}

/** The rows with `vs_native` set on every WASM row that has a native-c row alike. */
export function withVsNative(rows: readonly PdxBenchResult[]): PdxBenchResult[] {
  const r = ratios(rows);
  return rows.map((row) => {
    const { samples, vs_native: _, ...rest } = row;
    const vs = r.get(row)?.vsNative;
    return { ...rest, ...(vs && Number.isFinite(vs.median) ? { vs_native: vs.median } : {}), samples };
  });
}

/** One ratio of the run with its spread, for the JSON report and the README. */
export interface RatioRow { workload: string; map: string; scheme: string; impl: string; threads: number; ratio: "vs_none" | "vs_native" | "of_copy_ceiling"; median: number; low: number; high: number }

export function ratioRows(rows: readonly PdxBenchResult[]): RatioRow[] {
  const out: RatioRow[] = [];
  for (const [r, x] of ratios(rows.filter((row) => row.samples.length > 0))) {
    const at = { workload: r.workload, map: r.map, scheme: r.scheme, impl: r.impl, threads: r.threads };
    if (x.vsNone && r.threads === 1 && !r.impl.startsWith("js")) out.push({ ...at, ratio: "vs_none", ...x.vsNone });
    if (x.vsNative) out.push({ ...at, ratio: "vs_native", ...x.vsNative });
    if (x.ofCopyCeiling) out.push({ ...at, ratio: "of_copy_ceiling", ...x.ofCopyCeiling });
  }
  return out;
}

export interface TargetCheck { target: string; measured: string; met: boolean }

/** The targets of a run as a table: the terminal, the HTML page and the playground format it. */
export function targetsTable(report: PdxBenchReport): { header: string[]; rows: string[][] } {
  return { header: ["target", "measured", "met"], rows: checkTargets(report).map((t) => [t.target, t.measured, t.met ? "yes" : "NO"]) };
}

/** A row's series name: the implementation, and its thread count when more than one. */
export const seriesName = (r: PdxBenchResult) => `${r.impl}${r.threads > 1 ? ` ×${r.threads}` : ""}`;

/**
 * One workload's chart: one bar group per map and scheme, one series per implementation
 * and thread count (only `names`, in that order, when given; else every one that ran, one
 * thread first, in the order the suite ran them).
 */
export function workloadSeries(results: readonly PdxBenchResult[], workload: string, names?: readonly string[]) {
  const rows = results.filter((r) => r.workload === workload);
  const ran = [...new Set([...rows].sort((a, b) => a.threads - b.threads).map(seriesName))];
  const labels = [...new Set(rows.map((r) => `${r.map} ${r.scheme}`))];
  return {
    labels,
    series: (names ?? ran).filter((n) => ran.includes(n)).map((name) => ({
      name, values: labels.map((l) => rows.find((r) => `${r.map} ${r.scheme}` === l && seriesName(r) === name)?.ns_per_op ?? 0),
    })),
  };
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);

export function checkTargets(report: PdxBenchReport): TargetCheck[] {
  const rows = report.results;
  const ratioOf = ratios(rows);
  const pick = (f: (r: PdxBenchResult) => boolean) => rows.filter(f);
  const conv = (r: PdxBenchResult) => r.workload === "pfn_to_pdx" || r.workload === "pdx_to_pfn";
  const same = (a: PdxBenchResult, b: PdxBenchResult) => a.workload === b.workload && a.map === b.map;
  const out: TargetCheck[] = [];

  const maskSimd = pick((r) => conv(r) && r.scheme === "mask" && r.impl === "wasm-simd" && r.threads === 1);
  if (maskSimd.length) {
    const worst = Math.min(...maskSimd.map((r) => r.ops_per_s)) / 1e6;
    out.push({ target: "WASM batch mask conversion ≥ 500 M PFNs/s (1 thread)", measured: `${fmt(worst, 0)}–${fmt(Math.max(...maskSimd.map((r) => r.ops_per_s)) / 1e6, 0)} M/s`, met: worst >= 500 });
  }
  const simd = (scheme: string) => pick((x) => conv(x) && x.scheme === scheme && x.impl === "wasm-simd" && x.threads === 1);
  for (const [scheme, limit] of [["mask", 1.3], ["offset", 2]] as const) {
    const ratiosOf = simd(scheme).flatMap((x) => ratioOf.get(x)?.vsNone?.median ?? []);
    if (ratiosOf.length) out.push({ target: `${scheme} overhead vs none ≤ ${limit}× (WASM batch)`, measured: `${fmt(Math.min(...ratiosOf))}–${fmt(Math.max(...ratiosOf))}×`, met: Math.max(...ratiosOf) <= limit });
  }
  const maskVsNative = simd("mask").flatMap((x) => ratioOf.get(x)?.vsNative?.median ?? []);
  if (maskVsNative.length) out.push({ target: "WASM batch mask ≥ 0.9× native-c speed", measured: `${fmt(Math.min(...maskVsNative))}–${fmt(Math.max(...maskVsNative))}×`, met: Math.min(...maskVsNative) >= 0.9 });
  // offset/none in WASM against offset/none in C, workload by workload
  const offsetVsNative = simd("offset").flatMap((x) => {
    const wasm = ratioOf.get(x)?.vsNone?.median;
    const native = rows.find((n) => same(n, x) && n.scheme === "offset" && n.impl === "native-c");
    const nativeRatio = native && ratioOf.get(native)?.vsNone?.median;
    return wasm && nativeRatio ? [wasm / nativeRatio] : [];
  });
  if (offsetVsNative.length) out.push({ target: "WASM offset/none ≤ 1.1 × native-c offset/none", measured: `${fmt(Math.min(...offsetVsNative))}–${fmt(Math.max(...offsetVsNative))}×`, met: Math.max(...offsetVsNative) <= 1.1 });
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

/** Bytes a conversion moves per item: one u64 read and one written (the copy speeds' unit). */
export const BYTES_PER_ITEM = 16;

/** The multi-thread copy ceiling of a run: the flat copy's bandwidth on N threads (BYTES_PER_ITEM per item), and each N-thread conversion row's share of it. */
export function copyCeiling(report: PdxBenchReport): { threads: number; gbPerS: [number, number]; shares: [number, number] } | undefined {
  const rows = report.results.filter((r) => r.threads > 1 && (r.workload === "pfn_to_pdx" || r.workload === "pdx_to_pfn"));
  const copies = rows.filter((r) => r.scheme === "none" && r.impl === "wasm-simd");
  const ratioOf = ratios(report.results);
  const shares = rows.filter((r) => r.scheme !== "none").flatMap((r) => ratioOf.get(r)?.ofCopyCeiling?.median ?? []);
  if (!copies.length || !shares.length) return undefined;
  const gb = copies.map((r) => BYTES_PER_ITEM / r.ns_per_op);
  return { threads: copies[0].threads, gbPerS: [Math.min(...gb), Math.max(...gb)], shares: [Math.min(...shares), Math.max(...shares)] };
}

/** How fast the machine copied memory during a run (copySpeed). */
export interface CopySpeed {
  /** The rows it is read from: native-c where it ran, else wasm-simd. */
  impl: string;
  /** GB/s over the one-thread flat-copy rows (BYTES_PER_ITEM per item). */
  median: number;
  min: number;
  max: number;
}

/**
 * The one-thread flat copy (PDX_NONE) of every conversion workload and map, as GB/s. On a
 * shared host it moves with the other tenants' use of the L3 and memory (on the development
 * VM, 0.15 to 0.73 ns per item between runs minutes apart), and the memory-bound kernels'
 * ratios move with it, so two runs are compared (`--compare`) together with their copy speeds.
 */
export function copySpeed(report: Pick<PdxBenchReport, "results">): CopySpeed | undefined {
  const conversions: readonly string[] = NATIVE_OPS;
  const copies = (impl: string) => report.results.filter((r) =>
    r.scheme === "none" && r.impl === impl && r.threads === 1 && conversions.includes(r.workload) && r.ns_per_op > 0);
  const rows = copies("native-c").length ? copies("native-c") : copies("wasm-simd");
  if (!rows.length) return undefined;
  const gb = rows.map((r) => BYTES_PER_ITEM / r.ns_per_op);
  return { impl: rows[0].impl, median: quantile(gb, 0.5), min: Math.min(...gb), max: Math.max(...gb) };
}

/**
 * The ratios the README quotes, by name: each scheme's cost over PDX_NONE for the one-thread
 * wasm-simd and native-c rows, and wasm-simd's speed against native-c (vs_native), per map
 * and workload. Two runs are compared on these (`agreement`).
 */
export function quotedRatios(report: Pick<PdxBenchReport, "ratios">): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of report.ratios) {
    if (r.threads !== 1 || !Number.isFinite(r.median)) continue;
    if ((r.ratio === "vs_none" && (r.impl === "wasm-simd" || r.impl === "native-c")) || (r.ratio === "vs_native" && r.impl === "wasm-simd"))
      out.set(`${r.ratio} ${r.map} ${r.scheme} ${r.workload} ${r.impl}`, r.median);
  }
  return out;
}

export interface Agreement {
  /** Quoted ratios present in both runs. */
  compared: number;
  /** Of those, how many differ by at most `tolerance` (relative to the first run's value). */
  within: number;
  tolerance: number;
  /** Every compared ratio, largest relative difference first. */
  rows: Array<{ name: string; a: number; b: number; diff: number }>;
}

/** How far two runs' quoted ratios agree: |b − a| / a ≤ tolerance counts as agreeing. */
export function agreement(a: Pick<PdxBenchReport, "ratios">, b: Pick<PdxBenchReport, "ratios">, tolerance = 0.1): Agreement {
  const qa = quotedRatios(a), qb = quotedRatios(b);
  const rows = [...qa].flatMap(([name, x]) => {
    const y = qb.get(name);
    return y === undefined ? [] : [{ name, a: x, b: y, diff: Math.abs(y - x) / x }];
  }).sort((p, q) => q.diff - p.diff);
  return { compared: rows.length, within: rows.filter((r) => r.diff <= tolerance + 1e-12).length, tolerance, rows };
}

/** Whether two runs' quoted ratios can be set side by side (`--compare`), and the copy speed each ran at. */
export interface RunConditions {
  then?: CopySpeed;
  now?: CopySpeed;
  /** Why not, when they cannot: different batch sizes, or copy speeds read from different rows. */
  notComparable?: string;
  /** |now − then| / then of the copy speeds' medians, when both were read from the same rows. */
  apart?: number;
}

export function runConditions(earlier: Pick<PdxBenchReport, "results" | "items">, report: Pick<PdxBenchReport, "results" | "items">): RunConditions {
  // an earlier JSON may predate copy_speed: both are read from the rows
  const then = copySpeed(earlier), now = copySpeed(report);
  if (earlier.items !== report.items) return { then, now, notComparable: `${earlier.items} items per batch then, ${report.items} now` };
  if (!then || !now) return { then, now };
  if (then.impl !== now.impl) return { then, now, notComparable: `the copy speed was read from ${then.impl} then, ${now.impl} now` };
  return { then, now, apart: Math.abs(now.median - then.median) / then.median };
}
