/**
 * Hostile values against the engine API (Engine, Pdx, FrameTable, probePfn) and the bigint
 * reference: every 64-bit argument either follows the one rule (src/u64.ts) and gives the
 * reference's exact answer, or is refused with an InvalidArgumentError. Never a wrap.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  catalogueMap, DisposedError, Engine, EngineCapacityError, instantiateEngine, engineModule, InvalidArgumentError,
  PageRefError, platformMfnValid, probePfn, reference, runTask, type Pdx,
} from "../../src/index.js";
import { asBig, expectRefused, hostile, hostileNames, isU64, typedOr } from "./hostile.js";

let engine: Engine;
const schemes: Record<string, Pdx> = {};

beforeAll(async () => {
  engine = await Engine.create({ arch: "harness", maxMemoryBytes: 128 << 20 }); // 2 MiB page_info groups
  for (const scheme of ["none", "mask", "offset"] as const) {
    schemes[scheme] = engine.setup(catalogueMap("arm-fvp"), { scheme });
    schemes[scheme].frameTable.back();
  }
});

const SCALAR = ["pfnToPdx", "pdxToPfn", "maddrToDirectmapoff", "directmapoffToMaddr"] as const;
const RUNS = { numRuns: 300 };

describe.each(["none", "mask", "offset"])("%s scheme: hostile scalar arguments", (scheme) => {
  it("conversions equal the reference for u64 values and refuse everything else", () => {
    fc.assert(fc.property(hostile, (v) => {
      const pdx = schemes[scheme];
      for (const op of SCALAR) {
        const engineOut = typedOr(() => pdx[op](v as bigint));
        const refOut = typedOr(() => reference[op](pdx.platform.state, v as bigint));
        if (isU64(v)) {
          expect(engineOut).toEqual({ value: reference[op](pdx.platform.state, asBig(v)) });
          expect(refOut).toEqual(engineOut);
        } else {
          expect(engineOut).toMatchObject({ error: expect.any(InvalidArgumentError) });
          expect(refOut).toMatchObject({ error: expect.any(InvalidArgumentError) });
        }
      }
    }), RUNS);
  });

  it("mfnValid, frame-table lookups and probePfn refuse non-u64 values and agree with platformMfnValid", () => {
    fc.assert(fc.property(hostile, (v) => {
      const pdx = schemes[scheme];
      const valid = typedOr(() => pdx.mfnValid(v as bigint));
      const count = typedOr(() => pdx.frameTable.pageCount(v as bigint));
      const probe = typedOr(() => probePfn(pdx, v as bigint));
      const lookups = [typedOr(() => pdx.frameTable.mfnToPage(v as bigint)), typedOr(() => pdx.frameTable.pageToMfn(v as bigint))];
      if (!isU64(v)) {
        for (const o of [valid, count, probe, ...lookups]) expect(o).toMatchObject({ error: expect.any(InvalidArgumentError) });
        return;
      }
      const isValid = platformMfnValid(pdx.platform, asBig(v));
      expect(valid).toEqual({ value: isValid });
      // Nothing holds a reference here, so a valid MFN counts 0; any other is refused by name.
      expect(count).toEqual(isValid ? { value: 0n } : { error: expect.any(PageRefError) });
      if ("error" in count) expect(count.error.message).toMatch(/is not mfn_valid/);
      expect(probe).toMatchObject({ value: { pfn: `0x${asBig(v).toString(16)}`, mfn_valid: isValid } });
    }), RUNS);
  });

  it("isRegionCompressible takes two u64s and nothing else", () => {
    fc.assert(fc.property(hostile, hostile, (base, npages) => {
      const pdx = schemes[scheme];
      const out = typedOr(() => pdx.isRegionCompressible(base as bigint, npages as bigint));
      const ref = typedOr(() => reference.isRegionCompressible(pdx.platform.state, base as bigint, npages as bigint));
      if (isU64(base) && isU64(npages)) expect(out).toEqual(ref);
      else expect(out).toMatchObject({ error: expect.any(InvalidArgumentError) });
    }), RUNS);
  });
});

describe("hostile batches", () => {
  const notU64Arrays = [[1n, 2n], new BigInt64Array([-1n]), new Uint8Array(2), new Float64Array(2), 7n, "0x1", null, undefined, {}, { length: 2 ** 32 }];

  it("inputs and outputs are checked by type and length, not per item", () => {
    const pdx = schemes.mask;
    for (const bad of notU64Arrays) {
      expectRefused(() => pdx.convert("pfnToPdx", bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.mfnValidBatch(bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.mfnToPageBatch(bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.pageToMfnBatch(bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.getPageBatch(bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.putPageBatch(bad as BigUint64Array), InvalidArgumentError);
      expectRefused(() => pdx.regionCompressibleBatch(new BigUint64Array(2), bad as BigUint64Array), InvalidArgumentError);
      if (bad !== undefined) expectRefused(() => pdx.convert("pfnToPdx", new BigUint64Array(2), { out: bad as BigUint64Array }), InvalidArgumentError);
    }
    expectRefused(() => pdx.mfnValidBatch(new BigUint64Array(2), new BigUint64Array(2) as unknown as Uint8Array), InvalidArgumentError);
    expectRefused(() => pdx.convert("pfnToPdx", new BigUint64Array(3), { out: new BigUint64Array(2) }), InvalidArgumentError);
    expectRefused(() => pdx.regionCompressibleBatch(new BigUint64Array(3), new BigUint64Array(2)), InvalidArgumentError);
  });

  it("conversion and kernel names come from their own lists, options from known keys", () => {
    fc.assert(fc.property(hostileNames, (name) => {
      const pdx = schemes.offset;
      const input = BigUint64Array.of(0x80000n, 0x880000n);
      const conv = typedOr(() => pdx.convert(name as "pfnToPdx", input));
      if (!["pfnToPdx", "pdxToPfn", "maddrToDirectmapoff", "directmapoffToMaddr"].includes(name as string))
        expect(conv).toMatchObject({ error: expect.any(InvalidArgumentError) });
      const kernel = typedOr(() => pdx.convert("pfnToPdx", input, { kernel: name as "simd" }));
      if (name === undefined || name === "simd" || name === "scalar") expect(kernel).toEqual({ value: input.map((x) => pdx.pfnToPdx(x)) });
      else expect(kernel).toMatchObject({ error: expect.any(InvalidArgumentError) });
    }), RUNS);
    expectRefused(() => schemes.mask.convert("pfnToPdx", new BigUint64Array(1), JSON.parse('{"__proto__": {"kernel": "scalar"}}')), InvalidArgumentError);
    expectRefused(() => schemes.mask.convert("pfnToPdx", new BigUint64Array(1), 42 as never), InvalidArgumentError);
  });

  it("a batch equals the scalar calls, in and out of engine memory", () => {
    const pdx = schemes.mask;
    const values = BigUint64Array.of(0n, 0x80000n, 0x880000n, 0xffffffffffffffffn, 0x180000n);
    const inEngine = engine.allocU64(values.length);
    inEngine.set(values);
    for (const input of [values, inEngine]) {
      expect([...pdx.convert("pdxToPfn", input)]).toEqual([...values].map((v) => pdx.pdxToPfn(v)));
      expect([...pdx.mfnValidBatch(input)]).toEqual([...values].map((v) => Number(pdx.mfnValid(v))));
    }
    engine.freeU64(inEngine);
  });
});

describe("hostile engine, setup and memory arguments", () => {
  it("Engine.create refuses bad options with typed errors", async () => {
    for (const options of [null, 42, "arm64", { arch: "__proto__" }, { arch: "toString" }, { arch: 42 }, { arch: {} }, { arch: { name: "x" } },
      { maxMemoryBytes: NaN }, { maxMemoryBytes: -1 }, { maxMemoryBytes: 2 ** 40 }, { maxMemoryBytes: 1.5 }, { maxMemoryBytes: 0 }, { bogus: 1 },
      JSON.parse('{"__proto__": {"arch": "arm64"}}')]) {
      const outcome = await Engine.create(options as never).then((e) => ({ value: e }), (e) => ({ error: e }));
      expect(outcome, JSON.stringify(options)).toMatchObject({ error: expect.objectContaining({ name: expect.stringMatching(/Error$/) }) });
      expectRefused(() => { throw (outcome as { error: unknown }).error; });
    }
  });

  it("setup options are checked like the CLI flags", () => {
    const map = catalogueMap("arm-fvp");
    fc.assert(fc.property(fc.constantFrom("scheme", "maxOrder", "tableOrder", "base", "arch", "__proto__", "scheme "), fc.oneof(hostile, hostileNames), (key, value) => {
      const options = JSON.parse("{}");
      Object.defineProperty(options, key, { value, enumerable: true });
      const outcome = typedOr(() => engine.setup(map, options));
      if ("value" in outcome) {
        outcome.value.dispose();
        const fine = value === undefined || (key === "scheme" && ["auto", "none", "mask", "offset"].includes(value as string))
          || (key === "maxOrder" && Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 40)
          || (key === "tableOrder" && Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9)
          || (key === "base" && isU64(value)) || (key === "arch" && ["x86-64", "x86-64-bigmem", "arm64", "arm32", "ppc64", "riscv64", "harness"].includes(value as string));
        expect(fine, `${key}: ${String(value)}`).toBe(true);
      }
    }), { numRuns: 400 });
  });

  it("setup refuses things that are not memory maps", () => {
    for (const map of [null, 42, "arm-fvp", {}, { ranges: [], coverage: [], warnings: [] }, { name: "m", format: "json", ranges: [{ start: -1n, end: 5n }], coverage: [], warnings: [] },
      { name: "m", format: "json", ranges: [{ start: 0, end: 4096 }], coverage: [{ start: 0, end: 4096 }], warnings: [] }])
      expectRefused(() => engine.setup(map as never));
  });

  it("allocU64 takes a count under the rule, and a count too large for wasm32 is a capacity error", () => {
    fc.assert(fc.property(hostile, (length) => {
      const outcome = typedOr(() => engine.allocU64(length as number));
      if ("value" in outcome) {
        expect(isU64(length)).toBe(true);
        expect(outcome.value.length).toBe(Number(asBig(length)));
        engine.freeU64(outcome.value);
      } else if (isU64(length)) expect(outcome.error).toBeInstanceOf(asBig(length) > 2n ** 29n ? InvalidArgumentError : EngineCapacityError);
    }), { numRuns: 200 });
    expectRefused(() => engine.allocU64(2 ** 28), EngineCapacityError);
  });

  it("frame-table backing takes group indices and MFN ranges under the rule", async () => {
    const pdx = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    fc.assert(fc.property(hostile, hostile, (a, b) => {
      const backed = typedOr(() => pdx.frameTable.back(a as number, b as number));
      if (!isU64(a) && a !== undefined) expect(backed).toMatchObject({ error: expect.any(InvalidArgumentError) });
      const byMfn = typedOr(() => pdx.frameTable.backMfns(a as bigint, b as bigint));
      if (!isU64(a)) expect(byMfn).toMatchObject({ error: expect.any(InvalidArgumentError) });
    }), { numRuns: 200 });
    pdx.dispose();
    expectRefused(() => pdx.frameTable.back(), DisposedError);
    expectRefused(() => pdx.mfnValidBatch(new BigUint64Array(1)), DisposedError);
  });

  it("low-level worker and WASM entry points refuse malformed input", async () => {
    const wasm = engine.exports;
    for (const task of [null, {}, { kind: "__proto__" }, { kind: "get", ctx: -1, src: 0, n: 1, rounds: 1 }, { kind: "convert", ctx: 0, src: 0, dst: NaN, n: 1, rounds: 1, op: 0, kernel: "simd" },
      { kind: "getput", ctx: 0, src: 0, n: 1, rounds: Infinity }])
      expectRefused(() => runTask(wasm, task as never), InvalidArgumentError);
    expectRefused(() => runTask({} as never, { kind: "get", ctx: 0, src: 0, n: 0, rounds: 1 }), InvalidArgumentError);
    const module = await engineModule();
    for (const [m, mem] of [[null, engine.memory], [module, null], [module, new WebAssembly.Memory({ initial: 1 })]] as const) {
      const err = await instantiateEngine(m as never, mem as never).then(() => undefined, (e: unknown) => e);
      expectRefused(() => { throw err ?? new Error("instantiated"); }, InvalidArgumentError);
    }
  });
});
