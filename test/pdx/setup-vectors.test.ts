/**
 * Xen's 15 unit-test vectors (tools/tests/pdx/test-pdx.c) in both modes, with every value
 * Xen's own code derives (docs/notes/pdx.md §6.2–§6.4, machine-readable copy §6.8).
 */
import { describe, expect, it } from "vitest";
import vectors from "../fixtures/xen-pdx-vectors.json" with { type: "json" };
import { hex } from "../../src/pdx/bits.js";
import { toPfnRanges, type SetupParams } from "../../src/pdx/params.js";
import { isRegionCompressible, pdxToPfn, pfnToPdx } from "../../src/pdx/reference.js";
import { compressionSetup } from "../../src/pdx/setup.js";

const harness: SetupParams = { maxOrder: 18, pageShift: 12, tableOrder: 6, maxRanges: 16, base: 0n };

function rangesOf(v: (typeof vectors.vectors)[number]) {
  return toPfnRanges(v.pfnRanges.map(([s, e]) => ({ start: BigInt(s) << 12n, end: BigInt(e) << 12n })), 12);
}

describe.each(vectors.vectors)("Xen vector #$id $name", (v) => {
  it(`mask mode returns ${v.expectMask}`, () => {
    const { state } = compressionSetup("mask", rangesOf(v), harness);
    expect(state.compressed).toBe(v.expectMask);
    if (state.scheme !== "mask") throw new Error("wrong scheme");
    if (!v.mask) {
      expect([state.pfnPdxBottomMask, state.pfnHoleMask, state.pfnTopMask]).toEqual([(1n << 64n) - 1n, 0n, 0n]);
      return;
    }
    expect({
      bottomShift: state.pfnPdxBottomMask.toString(2).length,
      holeShift: state.pfnPdxHoleShift,
      pfnPdxBottomMask: hex(state.pfnPdxBottomMask),
      pfnHoleMask: hex(state.pfnHoleMask),
      pfnTopMask: hex(state.pfnTopMask),
      maVaBottomMask: hex(state.maVaBottomMask),
      maTopMask: hex(state.maTopMask),
      endpoints: v.pfnRanges.map(([s, e]) => {
        const last = BigInt(e) - 1n;
        return [s, hex(pfnToPdx(state, BigInt(s))), hex(last), hex(pfnToPdx(state, last))];
      }),
    }).toEqual(v.mask);
  });

  it(`offset mode returns ${v.expectOffset}`, () => {
    const { state } = compressionSetup("offset", rangesOf(v), harness);
    expect(state.compressed).toBe(v.expectOffset);
    if (state.scheme !== "offset") throw new Error("wrong scheme");
    if (!v.offset) {
      expect([state.pfnIndexShift, state.pdxIndexShift, state.pdxRegionSize]).toEqual([0, 0, (1n << 64n) - 1n]);
      return;
    }
    const used = state.pfnBases.flatMap((b, slot) => (b === (1n << 64n) - 1n ? [] : [{ slot, pfnBase: hex(b), pfnPdxLookup: hex(state.pfnPdxLookup[slot]) }]));
    const n = v.offset.pdxPfnLookup.length;
    expect({
      pfnIndexShift: state.pfnIndexShift,
      pdxIndexShift: state.pdxIndexShift,
      pdxRegionSize: hex(state.pdxRegionSize),
      slots: used,
      pdxPfnLookup: state.pdxPfnLookup.slice(0, n).map(hex),
      endpoints: v.pfnRanges.map(([s, e]) => {
        const last = BigInt(e) - 1n;
        return [s, hex(pfnToPdx(state, BigInt(s))), hex(last), hex(pfnToPdx(state, last))];
      }),
    }).toEqual(v.offset);
    expect(state.pdxPfnLookup.slice(n).every((x) => x === 0n)).toBe(true);
    expect(state.pfnPdxLookup.filter((_, slot) => state.pfnBases[slot] === (1n << 64n) - 1n).every((x) => x === 0n)).toBe(true);
  });

  it("round-trips and covers every range endpoint when compressing (Xen's own check)", () => {
    for (const scheme of ["mask", "offset"] as const) {
      const { state } = compressionSetup(scheme, rangesOf(v), harness);
      if (!state.compressed) continue;
      for (const [s, e] of v.pfnRanges) {
        for (const pfn of [BigInt(s), BigInt(e) - 1n]) {
          expect(isRegionCompressible(state, pfn << 12n, 1n)).toBe(true);
          expect(pdxToPfn(state, pfnToPdx(state, pfn))).toBe(pfn);
        }
        expect(isRegionCompressible(state, BigInt(s) << 12n, BigInt(e) - BigInt(s))).toBe(true);
      }
    }
  });
});
