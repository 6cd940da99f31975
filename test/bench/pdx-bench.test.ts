/**
 * Benchmark plumbing (never speed): every workload computes the right result, the
 * js-number baseline equals the bigint reference bit for bit, ratios and targets are
 * computed from the rows given, and the CLI writes the JSON shape of issue 3.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numberKernel } from "../../bench/js-number.js";
import { runCases } from "../../bench/harness.js";
import { roundRobin, roundRobinSession } from "../../bench/round-robin.js";
import type { PdxBenchReport, PdxBenchResult } from "../../bench/pdx.js";
import { agreement, checkTargets, copyCeiling, copySpeed, quietRatio, runConditions, quotedRatios, ratioRows, ratios } from "../../bench/summary.js";
import { ratioSpread } from "../../bench/stats.js";
import { toPfnRanges } from "../../src/pdx/params.js";
import { pdxToPfn, pfnToPdx } from "../../src/pdx/reference.js";
import { compressionSetup } from "../../src/pdx/setup.js";
import { SCHEMES } from "../../src/pdx/state.js";
import { xenmm } from "../run-cli.js";


describe("js-number kernels equal the bigint reference", () => {
  const rangesArb = fc.array(fc.record({ base: fc.bigInt({ min: 0n, max: 255n }), shift: fc.integer({ min: 18, max: 44 }), pages: fc.bigInt({ min: 1n, max: 1n << 22n }) }), { minLength: 1, maxLength: 6 });
  it.each(SCHEMES)("%s, both directions, on RAM and arbitrary 64-bit values", (scheme) => {
    fc.assert(fc.property(rangesArb, fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 1, maxLength: 64 }), (rs, values) => {
      const ranges = toPfnRanges(rs.map((r) => ({ start: (r.base << BigInt(r.shift)) << 12n, end: ((r.base << BigInt(r.shift)) + r.pages) << 12n })), 12);
      const { state } = compressionSetup(scheme, ranges, { maxOrder: 18, pageShift: 12, tableOrder: 6, maxRanges: 16, base: 0n });
      const input = BigUint64Array.from([...ranges.map((r) => r.basePfn), ...values]);
      for (const toPdx of [true, false]) {
        const out = new BigUint64Array(input.length);
        numberKernel(state, toPdx)(new Uint32Array(input.buffer), new Uint32Array(out.buffer), input.length);
        expect([...out]).toEqual([...input].map((x) => (toPdx ? pfnToPdx(state, x) : pdxToPfn(state, x))));
      }
    }), { seed: 3, numRuns: 150 });
  });
});

describe("ratios and targets come from the rows of one run", () => {
  const row = (o: Partial<PdxBenchResult>): PdxBenchResult => ({
    workload: "pfn_to_pdx", map: "m", scheme: "mask", impl: "wasm-simd", threads: 1, ns_per_op: 1, ops_per_s: 1e9, rme: 1, samples: [o.ns_per_op ?? 1], ...o,
  });
  const report: PdxBenchReport = {
    machine: { cpu: "x", cores: 2, runtime: "r", platform: "p", date: "d", build: { version: "0", git: null, wasm_sha256: "0" } }, quick: true, items: 10, skipped: [], ratios: [],
    results: [
      row({ scheme: "none", ns_per_op: 0.2, ops_per_s: 5e9 }),
      row({ scheme: "mask", ns_per_op: 0.3, ops_per_s: 1 / 0.3e-9 }),
      row({ scheme: "mask", impl: "js-number", ns_per_op: 3 }),
      row({ scheme: "mask", impl: "js-bigint", ns_per_op: 30 }),
      row({ scheme: "mask", impl: "wasm-call", ns_per_op: 12 }),
      row({ scheme: "mask", threads: 2, ns_per_op: 0.15 }),
      row({ scheme: "none", threads: 2, ns_per_op: 0.1 }),
    ],
  };
  it("scheme vs none and WASM vs the best JS form", () => {
    const r = ratios(report.results);
    expect(r.get(report.results[1])!.vsNone!.median).toBeCloseTo(1.5, 10);
    expect(r.get(report.results[1])!.vsBestJs).toBeCloseTo(10, 10);
    expect(r.get(report.results[2])!.vsBestJs).toBeUndefined();
  });
  it("ratios of rows sampled in the same rounds are taken round by round, with the middle half as spread", () => {
    const none = row({ scheme: "none", impl: "native-c", samples: [1, 2, 4, 8, 100] });
    const mask = row({ scheme: "mask", impl: "native-c", samples: [1.5, 3, 6, 12, 150] });
    const simd = row({ scheme: "mask", impl: "wasm-simd", samples: [3, 6, 12, 24, 300] });
    const r = ratios([none, mask, simd]);
    // every round shows 1.5× whatever the machine did; the ratio of means would not
    expect(r.get(mask)!.vsNone).toEqual({ median: 1.5, low: 1.5, high: 1.5 });
    expect(r.get(simd)!.vsNative).toEqual({ median: 0.5, low: 0.5, high: 0.5 });
    expect(r.get(mask)!.vsNative).toBeUndefined();
  });
  it("round-by-round ratios use the quieter half of the rounds: the rounds other work slowed are left out", () => {
    // three quiet rounds at 0.5×, three in which a burst slowed both rows (the faster one more)
    const a = [1, 1, 1, 3, 3, 3], b = [2, 2, 2, 2.5, 2.5, 2.5];
    expect(quietRatio(a, b)).toEqual({ median: 0.5, low: 0.5, high: 0.5 });
    expect(ratioSpread(a, b).median).toBeCloseTo(0.85, 10); // all rounds
    const none = row({ scheme: "none", samples: b }), mask = row({ scheme: "mask", samples: a });
    expect(ratios([none, mask]).get(mask)!.vsNone).toEqual({ median: 0.5, low: 0.5, high: 0.5 });
    // fewer than 4 rounds, or rows not sampled in the same rounds: as ratioSpread
    expect(quietRatio([1, 3, 2], [2, 2, 2])).toEqual(ratioSpread([1, 3, 2], [2, 2, 2]));
    expect(quietRatio([1, 1, 1, 1, 9], [2, 2])).toEqual({ median: 0.5, low: 0.5, high: 0.5 });
  });
  it("two runs agree on the quoted ratios (scheme/none of wasm-simd and native-c, wasm-simd vs native-c) within ±10 %", () => {
    const rows = (f: number) => [
      row({ scheme: "none", impl: "native-c", samples: [1, 1] }), row({ scheme: "mask", impl: "native-c", samples: [1.2, 1.2] }),
      row({ scheme: "none", samples: [1, 1] }), row({ scheme: "mask", samples: [1.2 * f, 1.2 * f] }),
      row({ scheme: "mask", impl: "js-number", samples: [9, 9] }), row({ scheme: "mask", threads: 2, samples: [0.1, 0.1] }),
    ];
    const run = (f: number) => ({ ratios: ratioRows(rows(f)) });
    expect([...quotedRatios(run(1)).keys()].sort()).toEqual([
      "vs_native m mask pfn_to_pdx wasm-simd", "vs_native m none pfn_to_pdx wasm-simd",
      "vs_none m mask pfn_to_pdx native-c", "vs_none m mask pfn_to_pdx wasm-simd",
    ]);
    expect(agreement(run(1), run(1.1))).toMatchObject({ compared: 4, within: 4 });
    const apart = agreement(run(1), run(1.25));
    // wasm-simd mask moved 25 %: its ratio to none (1.2 → 1.5) and to native-c (1 → 0.8)
    expect(apart).toMatchObject({ compared: 4, within: 2 });
    expect(apart.rows.slice(0, 2).map((r) => [r.name, Number(r.diff.toFixed(3))])).toEqual([
      ["vs_none m mask pfn_to_pdx wasm-simd", 0.25], ["vs_native m mask pfn_to_pdx wasm-simd", 0.2],
    ]);
  });
  it("the two-thread copy ceiling: the flat copy's bandwidth on two threads, and each two-thread row's share of it", () => {
    const c = copyCeiling(report)!;
    expect(c.threads).toBe(2);
    [...c.gbPerS, ...c.shares].forEach((x, i) => expect(x).toBeCloseTo([160, 160, 2 / 3, 2 / 3][i], 10));
    expect(ratios(report.results).get(report.results[5])!.ofCopyCeiling!.median).toBeCloseTo(2 / 3, 10);
  });
  it("the machine's copy speed: native C's one-thread flat copies where they ran, else wasm-simd's", () => {
    // 16 bytes per item: 0.2 ns/op is 80 GB/s; two-thread, mask and frame-table rows do not count
    expect(copySpeed(report)).toEqual({ impl: "wasm-simd", median: 80, min: 80, max: 80 });
    const withNative = [...report.results, row({ scheme: "none", impl: "native-c", ns_per_op: 0.25 }), row({ scheme: "none", impl: "native-c", workload: "pdx_to_pfn", ns_per_op: 0.5 }),
      row({ scheme: "none", impl: "native-c", workload: "mfn_valid", ns_per_op: 8 })];
    expect(copySpeed({ results: withNative })).toEqual({ impl: "native-c", median: 48, min: 32, max: 64 });
    expect(copySpeed({ results: report.results.filter((r) => r.scheme !== "none") })).toBeUndefined();
  });
  it("two runs are set side by side only with the same batch size and copy rows; then their copy speeds' gap", () => {
    const copyAt = (ns: number, impl: PdxBenchResult["impl"] = "native-c") => [row({ scheme: "none", impl, ns_per_op: ns })];
    const run = (ns: number, items = 10, impl?: PdxBenchResult["impl"]) => ({ items, results: copyAt(ns, impl) });
    expect(runConditions(run(0.2), run(0.25))).toMatchObject({ then: { median: 80 }, now: { median: 64 }, apart: 0.2 });
    expect(runConditions(run(0.2), run(0.2, 20)).notComparable).toBe("10 items per batch then, 20 now");
    expect(runConditions(run(0.2), run(0.2, 10, "wasm-simd")).notComparable).toBe("the copy speed was read from native-c then, wasm-simd now");
    expect(runConditions({ items: 10, results: [] }, run(0.2))).toEqual({ then: undefined, now: { impl: "native-c", median: 80, min: 80, max: 80 } });
  });
  it("targets say met or missed, with the measured range", () => {
    expect(checkTargets(report).map((t) => [t.target, t.measured, t.met])).toEqual([
      ["WASM batch mask conversion ≥ 500 M PFNs/s (1 thread)", "3333–3333 M/s", true],
      ["mask overhead vs none ≤ 1.3× (WASM batch)", "1.50–1.50×", false],
      ["WASM batch ≥ 20× js-bigint", "100.0–100.0×", true],
      ["WASM batch ≥ 2× js-number", "10.0–10.0×", true],
      ["per-item call through the public TS API ≤ 15 ns", "12.0–12.0 ns", true],
      ["two threads ≥ 1.7× one thread (batch conversions)", "2.00–2.00×", true],
    ]);
  });
});

describe("round robin", () => {
  it("samples every case once per round in a rotating order, per item, and reports the median", async () => {
    const log: string[] = [];
    const make = (name: string, ns: number) => ({ name, itemsPerCall: 10, run: async (reps: number) => { log.push(name); return reps * ns; } });
    const res = await roundRobin([make("a", 100), make("b", 300)], { rounds: 4, sampleMs: 0.001 });
    // two calibration calls each, then rounds ab, ba, ab, ba, each sample after one untimed call
    expect(log).toEqual(["a", "a", "b", "b", ...["a", "a", "b", "b", "b", "b", "a", "a"], ...["a", "a", "b", "b", "b", "b", "a", "a"]]);
    expect(res.map((r) => r.samples)).toEqual([[10, 10, 10, 10], [30, 30, 30, 30]]);
    expect(res.map((r) => [r.name, r.ns_per_op, r.ops_per_s, r.rme])).toEqual([["a", 10, 1e8, 0], ["b", 30, 1e9 / 30, 0]]);
  });
  it("samples a case whose call spans many samples only every few rounds, at least 3 times", async () => {
    const counts = { fast: 0, slow: 0 };
    const make = (name: "fast" | "slow", ns: number) => ({ name, itemsPerCall: 1, run: async (reps: number) => { counts[name]++; return reps * ns; } });
    const res = await roundRobin([make("fast", 100), make("slow", 100_000)], { rounds: 12, sampleMs: 0.001 });
    expect(res.map((r) => r.samples.length)).toEqual([12, 3]); // slow: 100 samples' time per call → every 4th round (12 / 3)
    expect(counts).toEqual({ fast: 2 + 2 * 12, slow: 2 + 3 }); // the slow case, one call per sample, is not warmed first
  });
  it("taken in slices, two sets interleave and each gets exactly the calls and samples of one go", async () => {
    const log: string[] = [];
    const make = (name: string, ns: number) => ({ name, itemsPerCall: 1, run: async (reps: number) => { log.push(name); return reps * ns; } });
    const oneGo = await roundRobin([make("a", 100), make("b", 100_000)], { rounds: 12, sampleMs: 0.001 });
    const single = log.splice(0);
    const first = roundRobinSession([make("a", 100), make("b", 100_000)], { rounds: 12, sampleMs: 0.001 });
    const second = roundRobinSession([make("x", 200)], { rounds: 12, sampleMs: 0.001 });
    await first.calibrate();
    await second.calibrate();
    for (const k of [5, 0, 4, 3]) { await first.rounds(k); await second.rounds(k); }
    expect(log.filter((n) => n !== "x")).toEqual(single); // same calls in the same order
    expect(log.indexOf("x", 6)).toBeLessThan(log.lastIndexOf("a")); // x's rounds fall between a's
    expect(first.results()).toEqual(oneGo);
    expect(second.results()[0].samples).toHaveLength(12);
  });
});

describe("harness", () => {
  it("times cases and reports per-item cost", async () => {
    let calls = 0;
    const [r] = await runCases([{ name: "sum", fn: () => { for (let i = 0; i < 1000; i++) calls += i & 1; }, itemsPerCall: 1000 }], { quick: true });
    expect(calls).toBeGreaterThan(0);
    expect(r.name).toBe("sum");
    expect(r.ns_per_op).toBeGreaterThan(0);
    expect(r.ops_per_s * r.ns_per_op).toBeCloseTo(1e9, 0);
  });
});

describe("xenmm bench --verify", () => {
  it("runs every workload once, each output equal to the reference, and writes the rows", async () => {
    const json = join(mkdtempSync(join(tmpdir(), "xenmm-bench-")), "verify.json");
    const { code, stdout } = await xenmm("bench", "--verify", "--quick", "--items", "4096", "--json", json);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(stdout).toMatch(/^verified \d+ benchmark cases/);
    expect(Object.keys(report)).toEqual(["machine", "quick", "items", "results", "skipped", "ratios"]);
    expect(report.skipped).toEqual([]);
    const kinds = new Set(report.results.map((r: PdxBenchResult) => `${r.workload}/${r.impl}/${r.threads}`));
    for (const k of ["pfn_to_pdx/wasm-simd/1", "pfn_to_pdx/wasm-batch/1", "pfn_to_pdx/wasm-call/1", "pfn_to_pdx/js-bigint/1", "pfn_to_pdx/js-number/1",
      "pdx_to_pfn/wasm-simd/2", "maddr_to_directmapoff/wasm-simd/1", "mfn_valid/wasm-batch/1", "page_to_mfn/js-bigint/1", "mfn_to_page+get_page (random)/wasm-batch/1"])
      expect(kinds).toContain(k);
    expect(Object.keys(report.results[0])).toEqual(["workload", "map", "scheme", "impl", "threads", "ns_per_op", "ops_per_s", "rme", "samples"]);
  });
});

describe("xenmm bench --compare", () => {
  it("refuses a file that is not a bench JSON before running anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xenmm-bench-"));
    const notBench = join(dir, "other.json");
    writeFileSync(notBench, JSON.stringify({ results: [] }));
    const missing = await xenmm("bench", "--quick", "--compare", join(dir, "missing.json"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--compare .*missing\.json: not a xenmm bench JSON/);
    const other = await xenmm("bench", "--quick", "--compare", notBench);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not a xenmm bench JSON \(no ratios and results arrays\)/);
    const truncated = join(dir, "truncated.json");
    writeFileSync(truncated, JSON.stringify({ ratios: [], results: [{ workload: "pfn_to_pdx" }, null] }));
    const partial = await xenmm("bench", "--quick", "--compare", truncated);
    expect(partial.code).toBe(2);
    expect(partial.stderr.trim()).toMatch(/^xenmm: .*not a xenmm bench JSON \(results\[0\] lacks workload, map, scheme, impl, threads, ns_per_op\)$/);
  });
});
