/**
 * The native-C baseline: the generated kernels, built with the system compiler, equal the
 * bigint reference on generated maps; the benchmark puts native-c rows and vs_native
 * beside the WASM rows; without a compiler the rows are skipped with the reason.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeNativeToolchain } from "../../bench/native-runner.js";
import { NATIVE_OPS } from "../../bench/native-source.js";
import { QUOTED_ROUNDS, runPdxBench, type PdxBenchResult } from "../../bench/pdx.js";
import { Engine } from "../../src/engine/engine.js";
import { makeMemoryMap } from "../../src/memmap/map.js";
import { directmapoffToMaddr, maddrToDirectmapoff, pdxToPfn, pfnToPdx } from "../../src/pdx/reference.js";
import { SCHEMES } from "../../src/pdx/state.js";
import { CLI } from "../run-cli.js";

let engine: Engine;
beforeAll(async () => { engine = await Engine.create({ arch: "harness", maxMemoryBytes: 512 << 20 }); });

const REFERENCE = [pfnToPdx, pdxToPfn, maddrToDirectmapoff, directmapoffToMaddr];

describe("generated C kernels equal the bigint reference", () => {
  const mapArb = fc.array(
    fc.record({ base: fc.bigInt({ min: 0n, max: 63n }), shift: fc.integer({ min: 18, max: 30 }), pages: fc.bigInt({ min: 1n, max: 1n << 20n }) })
      .map(({ base, shift, pages }) => ({ start: (base << BigInt(shift)) << 12n, end: ((base << BigInt(shift)) + pages) << 12n })),
    { minLength: 1, maxLength: 6 },
  );
  it.each(SCHEMES)("%s: every conversion, both builds, RAM PFNs and arbitrary 64-bit values", async (scheme) => {
    const toolchain = nodeNativeToolchain();
    await fc.assert(fc.asyncProperty(mapArb, fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 61, maxLength: 61 }), async (ranges, wild) => {
      const pdx = engine.setup(makeMemoryMap("generated", "json", ranges), { scheme });
      const s = pdx.platform.state;
      const ram = ranges.flatMap((r) => [r.start >> 12n, (r.end >> 12n) - 1n]);
      const values = BigUint64Array.from([...ram, ...wild]);
      const session = await toolchain.open(s, NATIVE_OPS.map(() => values));
      try {
        expect(session.skipped).toEqual([]);
        expect(session.kernels.map((k) => k.impl)).toEqual(["native-c", "native-c-march"]);
        for (const k of session.kernels) {
          for (const [op, reference] of REFERENCE.entries()) expect([...await k.output(op)]).toEqual([...values].map((x) => reference(s, x)));
          expect(await k.time(0, 3)).toBeGreaterThan(0);
        }
      } finally {
        await session.close();
        pdx.dispose();
      }
    }), { seed: scheme.length * 31, numRuns: 4 });
  }, 60_000);
});

describe("the benchmark with native rows", () => {
  it("times native-c and native-c-march beside WASM in the same rounds, with vs_native and ratio spreads", async () => {
    const report = await runPdxBench(engine, { quick: true, items: 4096, frametableGiB: [], native: nodeNativeToolchain(), timing: { rounds: 3, sampleMs: 5 } }); // samples far longer than a call, so no case is sampled every other round only (round-robin.ts)
    expect(report.skipped).toEqual([]);
    const conversions = report.results.filter((r) => (NATIVE_OPS as readonly string[]).includes(r.workload));
    for (const r of conversions) {
      // the quoted rows (one-thread wasm-simd, native-c) are timed in their own set, with QUOTED_ROUNDS × the rounds
      const inQuotedSet = (r.impl === "wasm-simd" && r.threads === 1) || r.impl === "native-c";
      expect(r.samples).toHaveLength(inQuotedSet ? 3 * QUOTED_ROUNDS : 3);
      const native = conversions.find((n) => n.workload === r.workload && n.map === r.map && n.scheme === r.scheme && n.impl === "native-c")!;
      expect(native.ns_per_op).toBeGreaterThan(0);
      if (r.impl.startsWith("wasm")) {
        if (inQuotedSet) {
          // per-round ratio of the same rounds: its median lies between the smallest and largest round
          const perRound = native.samples.map((x, i) => x / r.samples[i]);
          expect(r.vs_native).toBeGreaterThanOrEqual(Math.min(...perRound));
          expect(r.vs_native).toBeLessThanOrEqual(Math.max(...perRound));
        } else {
          expect(r.vs_native).toBeCloseTo(native.ns_per_op / r.ns_per_op, 10); // different rounds: ratio of medians
        }
      } else {
        expect(r).not.toHaveProperty("vs_native");
      }
    }
    const impls = new Set(conversions.map((r) => `${r.map}/${r.scheme}/${r.impl}`));
    for (const id of ["arm-fvp/mask/native-c", "arm-fvp/offset/native-c-march", "intel-gnr-4s/none/native-c"]) expect(impls).toContain(id);
    const ratio = report.ratios.find((x) => x.ratio === "vs_native" && x.map === "arm-fvp" && x.scheme === "mask" && x.impl === "wasm-simd" && x.workload === "pfn_to_pdx")!;
    expect(ratio.low).toBeLessThanOrEqual(ratio.median);
    expect(ratio.median).toBeLessThanOrEqual(ratio.high);
  }, 120_000);
});

describe("xenmm bench: native rows by default", () => {
  const bench = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const json = join(mkdtempSync(join(tmpdir(), "xenmm-native-")), "verify.json");
    return promisify(execFile)(process.execPath, [CLI, "bench", "--verify", "--quick", "--items", "4096", "--json", json, ...args], { env })
      .then(({ stdout }) => ({ stdout, report: JSON.parse(readFileSync(json, "utf8")) as { skipped: string[]; results: PdxBenchResult[] } }));
  };
  const nativeImpls = (results: PdxBenchResult[]) => [...new Set(results.filter((r) => r.impl.startsWith("native")).map((r) => r.impl))];

  it("with a compiler and no flag: native-c and native-c-march rows, each output checked against the reference", async () => {
    const { stdout, report } = await bench([]);
    expect(stdout).toMatch(/^verified \d+ benchmark cases/);
    expect(report.skipped).toEqual([]);
    expect(nativeImpls(report.results)).toEqual(["native-c", "native-c-march"]);
    // every conversion of every quick map and scheme, once per build
    expect(report.results.filter((r) => r.impl === "native-c")).toHaveLength(NATIVE_OPS.length * 5);
  }, 60_000);

  it.each([[[]], [["--native"]]])("without a compiler (flags %j): both native rows listed in skipped with the reason, the rest runs", async (flags) => {
    const { stdout, report } = await bench(flags, { ...process.env, CC: "/nonexistent/xenmm-cc" });
    expect(stdout).toMatch(/^verified \d+ benchmark cases/);
    expect(report.skipped).toEqual([
      "native-c (/nonexistent/xenmm-cc -O3): no C compiler: /nonexistent/xenmm-cc not found (set CC to one)",
      "native-c-march (/nonexistent/xenmm-cc -O3 -march=native): no C compiler: /nonexistent/xenmm-cc not found (set CC to one)",
    ]);
    expect(nativeImpls(report.results)).toEqual([]);
    expect(report.results.some((r: PdxBenchResult) => r.impl === "wasm-simd")).toBe(true);
  }, 60_000);

  it("--no-native leaves the native rows out without listing them as skipped", async () => {
    const { report } = await bench(["--no-native"], { ...process.env, CC: "/nonexistent/xenmm-cc" });
    expect(report.skipped).toEqual([]);
    expect(nativeImpls(report.results)).toEqual([]);
  }, 60_000);

  it("--native with --no-native is a usage error", async () => {
    await expect(bench(["--native", "--no-native"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--native and --no-native contradict each other/) });
  });
});
