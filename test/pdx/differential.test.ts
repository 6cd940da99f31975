/**
 * The WASM engine against the TypeScript reference on fast-check-generated memory maps:
 * 20 maps × 5,003 PFNs ≥ 100,000 random PFNs per scheme, all four conversions with both
 * kernels, region compressibility and mfn_valid; round trips for valid PFNs. Every v128
 * offset kernel on its own: lanes, lanes-const (every index shift the maps give),
 * compare-and-select for each run count 1–8, and swizzle for each of its shapes; and
 * swizzle against the scalar kernel on tables written directly (every window position).
 */
import fc from "fast-check";
import { regionsMap } from "../../bench/offset-kernels.js";
import { beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { makeMemoryMap } from "../../src/memmap/map.js";
import { platformMfnValid } from "../../src/pdx/platform.js";
import { directmapoffToMaddr, isRegionCompressible, maddrToDirectmapoff, pdxToPfn, pfnToPdx } from "../../src/pdx/reference.js";
import { SCHEMES } from "../../src/pdx/state.js";

let engine: Engine;
beforeAll(async () => { engine = await Engine.create({ arch: "harness", maxMemoryBytes: 512 << 20 }); });

/** Sparse maps like real ones: few ranges, bases at a few high bit positions, so both schemes often compress. */
const mapArb = fc.array(
  fc.record({ base: fc.bigInt({ min: 0n, max: 63n }), shift: fc.integer({ min: 18, max: 30 }), pages: fc.bigInt({ min: 1n, max: 1n << 20n }) })
    .map(({ base, shift, pages }) => ({ start: (base << BigInt(shift)) << 12n, end: ((base << BigInt(shift)) + pages) << 12n })),
  { minLength: 1, maxLength: 6 },
);

const PFNS_PER_MAP = 5003; // not a multiple of 8: bulk v128 loops and scalar tails both run
const seedOf = (s: number) => ({ seed: s, numRuns: 20 });

describe.each(SCHEMES)("%s: WASM equals the reference", (scheme) => {
  it("on 100,000 PFNs over 20 generated maps", () => {
    let compressedMaps = 0;
    fc.assert(fc.property(mapArb, fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 1000, maxLength: 1000 }), fc.integer(), (ranges, wild, salt) => {
      const map = makeMemoryMap("generated", "json", ranges);
      const pdx = engine.setup(map, { scheme });
      const s = pdx.platform.state;
      if (s.compressed) compressedMaps++;
      // 4,000 PFNs inside RAM (start, end, and spread through each range) plus 1,000 arbitrary 64-bit values.
      const inside: bigint[] = [];
      for (let i = 0; inside.length < PFNS_PER_MAP - wild.length; i++) {
        const r = ranges[i % ranges.length];
        const first = r.start >> 12n;
        const pages = (r.end >> 12n) - first;
        inside.push(first + (BigInt((i * 2654435761 + salt) >>> 0) % pages));
      }
      const pfns = BigUint64Array.from([...inside, ...wild]);
      const maddrs = pfns.map((p) => BigInt.asUintN(64, (p << 12n) | 0x123n));
      for (const kernel of ["simd", "scalar"] as const) {
        const pdxs = pdx.convert("pfnToPdx", pfns, { kernel });
        expect([...pdxs]).toEqual([...pfns].map((p) => pfnToPdx(s, p)));
        expect([...pdx.convert("pdxToPfn", pdxs, { kernel })]).toEqual([...pdxs].map((x) => pdxToPfn(s, x)));
        const offs = pdx.convert("maddrToDirectmapoff", maddrs, { kernel });
        expect([...offs]).toEqual([...maddrs].map((a) => maddrToDirectmapoff(s, a)));
        expect([...pdx.convert("directmapoffToMaddr", offs, { kernel })]).toEqual([...offs].map((o) => directmapoffToMaddr(s, o)));
      }
      const valid = pdx.mfnValidBatch(pfns);
      expect([...valid].map((v) => v === 1)).toEqual([...pfns].map((p) => platformMfnValid(pdx.platform, p)));
      expect(maddrs.map((a) => BigInt(pdx.isRegionCompressible(a, 1n)))).toEqual(maddrs.map((a) => BigInt(isRegionCompressible(s, a, 1n))));
      const npages = pfns.map((p) => (p & 0xfffn) + 1n);
      expect([...pdx.regionCompressibleBatch(maddrs, npages)]).toEqual([...maddrs].map((a, i) => (isRegionCompressible(s, a, npages[i]) ? 1 : 0)));
      // Every RAM PFN of a map Xen accepted round-trips and is valid.
      expect(inside.map((p) => pdx.pdxToPfn(pdx.pfnToPdx(p)))).toEqual(inside);
      expect(inside.every((p) => pdx.mfnValid(p))).toBe(true);
      pdx.dispose();
    }), seedOf(scheme.length * 7919));
    if (scheme !== "none") expect(compressedMaps).toBeGreaterThan(0);
  });
});

describe("offset: every v128 kernel equals the reference", () => {
  const conversions = [pfnToPdx, pdxToPfn, maddrToDirectmapoff, directmapoffToMaddr];
  /** Runs `variant` on `input` for OP `op`; the kernel that ran and its output. */
  const run = (ctx: number, op: number, input: bigint[], variant: number) => {
    const src = engine.allocU64(input.length), dst = engine.allocU64(input.length);
    src.set(input);
    const ran = engine.exports.convert_batch_offset(ctx, op, src.byteOffset, dst.byteOffset, input.length, variant);
    const out = [...dst];
    engine.freeU64(src);
    engine.freeU64(dst);
    return { ran, out };
  };
  const check = (map: ReturnType<typeof makeMemoryMap>, wild: bigint[], seen: Set<string>, shapes = new Set<string>()) => {
    const { OFFSET_LANES, OFFSET_LANES_CONST, OFFSET_SELECT, OFFSET_SWIZZLE, OFFSET_AUTO, CTX_SWIZZLE, CTX_SWIZZLE_BYTES } = engine.layout;
    const pdx = engine.setup(map, { scheme: "offset" });
    const s = pdx.platform.state;
    const pfns = [...map.ranges.flatMap((r) => [r.start >> 12n, (r.end >> 12n) - 1n, ((r.start + r.end) >> 13n)]), ...wild];
    const inputs = [pfns, pfns.map((p) => pfnToPdx(s, p)), pfns.map((p) => BigInt.asUintN(64, (p << 12n) | 0xabcn)), pfns.map((p) => maddrToDirectmapoff(s, BigInt.asUintN(64, p << 12n)))];
    inputs.forEach((input, op) => {
      const want = input.map((x) => conversions[op](s, x));
      const shape = new Uint32Array(engine.memory.buffer)[(pdx.ctx + CTX_SWIZZLE + op * CTX_SWIZZLE_BYTES + 4) / 4];
      for (const variant of [OFFSET_LANES, OFFSET_LANES_CONST, OFFSET_SELECT, OFFSET_SWIZZLE, OFFSET_AUTO]) {
        const { ran, out } = run(pdx.ctx, op, input, variant);
        expect(out).toEqual(want);
        if (variant === OFFSET_LANES || variant === OFFSET_LANES_CONST) expect(ran).toBe(variant);
        if (variant === OFFSET_SELECT && ran === OFFSET_SELECT) seen.add(`${op}/${runsOf(s.scheme === "offset" ? (op & 1 ? s.pdxPfnLookup : s.pfnPdxLookup) : [])}`);
        if (variant === OFFSET_SWIZZLE) expect(ran === OFFSET_SWIZZLE).toBe(shape !== 0);
        if (variant === OFFSET_SWIZZLE && ran === OFFSET_SWIZZLE) shapes.add(`${op}/${shape}`);
      }
    });
    pdx.dispose();
  };
  const runsOf = (t: readonly bigint[]) => t.filter((v, i) => i === 0 || v !== t[i - 1]).length;

  it("on maps of 1–8 regions and 300 generated ones: select ran for every run count 1–8 and swizzle for every shape, for every conversion", () => {
    const seen = new Set<string>(), shapes = new Set<string>();
    const wild = Array.from({ length: 37 }, (_, i) => BigInt.asUintN(64, BigInt(i) * 0x9e3779b97f4a7c15n)); // 3 × regions + 37: bulk and tail
    for (let regions = 1; regions <= 8; regions++) check(regionsMap(regions), wild, seen, shapes);
    for (const ranges of fc.sample(mapArb, { seed: 5, numRuns: 300 })) check(makeMemoryMap("generated", "json", ranges), wild, seen, shapes);
    for (let op = 0; op < 4; op++) for (let k = 1; k <= 8; k++) expect(seen).toContain(`${op}/${k}`);
    // the wide shapes (nonzero slots 17 or more apart) come from PFN tables only, and from the
    // tables written directly below for every conversion
    const { SWZ_BYTE, SWZ_PAIR, SWZ_BYTE_EQ } = engine.layout;
    for (let op = 0; op < 4; op++) for (const shape of [SWZ_BYTE, SWZ_PAIR]) expect(shapes).toContain(`${op}/${shape}`);
    expect(shapes).toContain(`0/${SWZ_BYTE_EQ}`);
  });

  it("on 40 generated maps with arbitrary 64-bit values", () => {
    fc.assert(fc.property(mapArb, fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 1, maxLength: 200 }), (ranges, wild) => {
      check(makeMemoryMap("generated", "json", ranges), wild, new Set());
    }), { seed: 1307, numRuns: 40 });
  });
});

describe("offset: the swizzle kernel equals the scalar kernel on tables written directly", () => {
  // Tables as setup leaves them (values multiples of 2^g, nonzero slots in one span, zero
  // elsewhere) but with every window position, width, value size and index shift, written
  // into the context block; offset_select_prepare derives the kernels' operands again.
  it("on 600 tables of orders 3–9, every shape for every conversion, and 64-bit inputs hitting every slot", () => {
    const { OFFSET_SWIZZLE, OFFSET_AUTO, CTX_SWIZZLE, CTX_SWIZZLE_BYTES, CTX_PFN_PDX_LOOKUP, CTX_PDX_PFN_LOOKUP, CTX_PFN_INDEX_SHIFT, CTX_PDX_INDEX_SHIFT, SWZ_BYTE, SWZ_PAIR, SWZ_BYTE_EQ } = engine.layout;
    const shapes = new Set<string>();
    let none = 0;
    const rnd = fc.sample(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { seed: 77, numRuns: 600 * 4 + 600 * 200 });
    let r = 0;
    const next = () => rnd[r++ % rnd.length];
    for (let t = 0; t < 600; t++) {
      const order = 3 + (t % 7);
      const pdx = engine.setup(regionsMap(2), { scheme: "offset", tableOrder: order });
      const m = (1 << order) - 1, u64 = new BigUint64Array(engine.memory.buffer), u32 = new Uint32Array(engine.memory.buffer);
      const h = Number(next() % 1000n);
      // Half the tables as real ones are: g a multiple of 4 (then one-byte units stay one byte in
      // the address forms too) and the index shift at or above g; the rest anything.
      const real = t % 2 === 0, span = 1 + (h % 33), first = Number(next() % BigInt(m + 1)), bytes = 1 + ((h >> 3) % 3);
      const g = real ? 4 * (h % 10) : h % 41, shift = real ? Math.min(51 - order, g + (h % 9)) : (h * 7) % (52 - order);
      const top = real && bytes === 1 ? 15n : (1n << BigInt(8 * bytes)) - 1n, sparse = t % 3 === 0; // sparse: one slot apart from the rest
      for (const base of [CTX_PFN_PDX_LOOKUP, CTX_PDX_PFN_LOOKUP]) {
        for (let i = 0; i <= m; i++) {
          const inSpan = i >= first && i < first + span;
          const unit = inSpan && (i === first || i === first + span - 1 || (sparse ? next() % 8n === 0n : next() % 4n !== 0n)) ? 1n + (next() % top) : 0n;
          u64[(pdx.ctx + base) / 8 + i] = BigInt.asUintN(64, unit << BigInt(g));
        }
      }
      u64[(pdx.ctx + CTX_PFN_INDEX_SHIFT) / 8] = BigInt(shift);
      u64[(pdx.ctx + CTX_PDX_INDEX_SHIFT) / 8] = BigInt(shift);
      engine.exports.offset_select_prepare(pdx.ctx);
      for (let op = 0; op < 4; op++) {
        const s = shift + (op >= 2 ? 12 : 0);
        const input = Array.from({ length: 2 * (m + 1) + 13 }, (_, i) => {
          const x = next();
          return i < 2 * (m + 1) ? BigInt.asUintN(64, (x & ~(BigInt(m) << BigInt(s))) | (BigInt(i % (m + 1)) << BigInt(s))) : x;
        });
        const n = input.length, src = engine.allocU64(n), want = engine.allocU64(n), got = engine.allocU64(n);
        src.set(input);
        engine.exports.convert_batch_scalar(pdx.ctx, op, src.byteOffset, want.byteOffset, n);
        const shape = u32[(pdx.ctx + CTX_SWIZZLE + op * CTX_SWIZZLE_BYTES + 4) / 4];
        for (const variant of [OFFSET_SWIZZLE, OFFSET_AUTO]) {
          const ran = engine.exports.convert_batch_offset(pdx.ctx, op, src.byteOffset, got.byteOffset, n, variant);
          if (variant === OFFSET_SWIZZLE) expect(ran === OFFSET_SWIZZLE).toBe(shape !== 0);
          expect([...got]).toEqual([...want]);
        }
        if (shape) shapes.add(`${op}/${shape}`);
        else none++;
        for (const a of [src, want, got]) engine.freeU64(a);
      }
      pdx.dispose();
    }
    for (let op = 0; op < 4; op++) for (const shape of [SWZ_BYTE, SWZ_PAIR, SWZ_BYTE_EQ]) expect(shapes).toContain(`${op}/${shape}`);
    expect(none).toBeGreaterThan(0);
  });
});

describe("mfn_valid is false for hole PFNs", () => {
  it("mask: any PFN with a hole bit set, and anything at or past max_page", () => {
    fc.assert(fc.property(mapArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (ranges, x) => {
      const pdx = engine.setup(makeMemoryMap("generated", "json", ranges), { scheme: "mask" });
      const s = pdx.platform.state;
      if (s.scheme !== "mask" || !s.compressed) { pdx.dispose(); return; }
      expect(pdx.mfnValid(x | s.pfnHoleMask)).toBe(false);
      expect(pdx.mfnValid(pdx.platform.maxPage + (x & 0xffffn))).toBe(false);
      pdx.dispose();
    }), { seed: 42, numRuns: 200 });
  });

  it("any scheme: PFNs in PDX groups that hold no RAM", () => {
    // FVP: RAM at [0x80000, 0x100000) and [0x880000, 0x900000) PFNs; groups of 0x10000 PDXs in the harness.
    const map = makeMemoryMap("fvp", "json", [{ start: 0x80000000n, end: 0x100000000n }, { start: 0x880000000n, end: 0x900000000n }]);
    for (const scheme of SCHEMES) {
      const pdx = engine.setup(map, { scheme });
      expect(pdx.mfnValid(0x200000n)).toBe(false);
      expect(pdx.mfnValid(0x87ffffn)).toBe(false);
      expect(pdx.mfnValid(0x880000n)).toBe(true);
      expect(pdx.mfnValid(0x8fffffn)).toBe(true);
      expect(pdx.mfnValid(0x900000n)).toBe(false);
    }
  });
});
