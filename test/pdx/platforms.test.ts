/**
 * The arch callers around setup and the worked examples of docs/notes/pdx.md: x86
 * parameters (§6.6), the Arm FVP (§3.5), Granite Rapids (§4.6), the contained-range
 * quirk (§4.5) and the coverage check that resets compression (§2.3).
 */
import { describe, expect, it } from "vitest";
import { ARCHES } from "../../src/arch.js";
import { catalogueEntry, catalogueMap } from "../../src/catalogue.js";
import { makeMemoryMap } from "../../src/memmap/map.js";
import { hex } from "../../src/pdx/bits.js";
import { compareSchemes } from "../../src/pdx/compare.js";
import { offsetRows } from "../../src/pdx/describe.js";
import { platformSetup } from "../../src/pdx/platform.js";
import { isRegionCompressible, pfnToPdx } from "../../src/pdx/reference.js";

const map = (id: string) => catalogueMap(catalogueEntry(id)!);
const GiB = 1n << 30n;

describe("x86 parameters: MAX_ORDER 20, base = first RAM at or above 4 GiB (§6.6)", () => {
  it("Granite Rapids compresses with offsets aligned to 2^20 pages", () => {
    const p = platformSetup(map("intel-gnr-4s"), ARCHES["x86-64"], { scheme: "offset" });
    expect(p.params.base).toBe(0x100000000n);
    expect(p.state.compressed).toBe(true);
    if (p.state.scheme !== "offset") throw new Error();
    expect([p.state.pfnIndexShift, p.state.pdxIndexShift, hex(p.state.pdxRegionSize)]).toEqual([29, 28, "0x10000000"]);
    expect(offsetRows(p.state).map((r) => [r.slot, hex(r.offset)])).toEqual([[0, "0x0"], [3, "0x53e00000"], [6, "0xa7e00000"], [9, "0xfbe00000"]]);
    expect([0x63e80000n, 0x6be7ffffn, 0xc7e80000n, 0xcfe7ffffn, 0x12be80000n, 0x133e7ffffn].map((x) => hex(pfnToPdx(p.state, x))))
      .toEqual(["0x10080000", "0x1807ffff", "0x20080000", "0x2807ffff", "0x30080000", "0x3807ffff"]);
    expect(hex(p.maxPdx)).toBe("0x38080000");
    expect(platformSetup(map("intel-gnr-4s"), ARCHES["x86-64"], { scheme: "mask" }).state.compressed).toBe(false);
  });

  it.each(["xen-9", "xen-10", "xen-11", "xen-12", "xen-13", "xen-14"])("vector %s declines in both modes", (id) => {
    for (const scheme of ["mask", "offset"] as const) expect(platformSetup(map(id), ARCHES["x86-64"], { scheme }).state.compressed).toBe(false);
  });

  it("a host with no RAM at or above 4 GiB never calls setup", () => {
    const p = platformSetup(makeMemoryMap("low", "json", [{ start: 0n, end: 0x80000000n }]), ARCHES["x86-64"], { scheme: "offset" });
    expect(p.state.compressed).toBe(false);
    expect(p.log).toEqual(["no RAM at or above 4 GiB: x86 never calls PDX setup on this host"]);
  });

  it("without compression, GNR's RAM above 16 TiB is beyond the frame table", () => {
    const p = platformSetup(map("intel-gnr-4s"), ARCHES["x86-64"], { scheme: "none" });
    expect(p.maxPdx).toBe(1n << 32n);
    expect(p.unreachablePages).toBe(0x133e80000n - 0x12be80000n); // node 3, all 512 GiB (commit c5c45bcb)
    expect(p.frametableFrames * 32n).toBe(128n * GiB);
  });
});

describe("Arm FVP (§3.5, commit e01fa4e2: frame table 478M → 84M)", () => {
  const c = compareSchemes(map("arm-fvp"), ARCHES.arm64);
  it("mask removes bits 20..22", () => {
    const s = c.outcomes.mask.platform.state;
    if (s.scheme !== "mask") throw new Error();
    expect([s.pfnPdxHoleShift, hex(s.pfnPdxBottomMask), hex(s.pfnHoleMask), hex(s.pfnTopMask)]).toEqual([3, "0xfffff", "0x700000", "0xffffffffff800000"]);
    expect(hex(pfnToPdx(s, 0x880000n))).toBe("0x180000");
    expect(hex(c.outcomes.mask.platform.maxPdx - 1n)).toBe("0x1fffff");
  });
  it("frame table spans: 476 MiB none, 84 MiB mask, 56 MiB offset (56-byte page_info from PDX 0x80000)", () => {
    expect(c.outcomes.mask.platform.frametableBasePdx).toBe(0x80000n);
    expect([c.outcomes.none.frametableBytes, c.outcomes.mask.frametableBytes, c.outcomes.offset.frametableBytes].map((b) => b >> 20n)).toEqual([476n, 84n, 56n]);
  });
  it("the verdict names the default's saving, and never calls an equal frame table a saving", () => {
    expect(c.verdict).toBe("the default (mask) compresses: frame table 84 MiB instead of 476 MiB (5.7× smaller)");
    // 2–4 GiB and 34–64 GiB: offset sets up (state.compressed) but its span equals none's.
    const flat = compareSchemes(makeMemoryMap("flat", "text", [{ start: 0x80000000n, end: 0xfe000000n }, { start: 0x880000000n, end: 0x1000000000n }]), ARCHES.arm64);
    expect(flat.outcomes.offset.platform.state.compressed).toBe(true);
    expect(flat.outcomes.offset.frametableBytes).toBe(flat.outcomes.none.frametableBytes);
    expect(flat.verdict).toBe("no scheme shrinks the frame table of this map: it spans 868 MiB");
  });
  it("§9.2 spans for the other Arm boards", () => {
    const spans = (id: string) => Object.values(compareSchemes(map(id), ARCHES.arm64).outcomes).map((o) => hex(o.platform.frametableFrames));
    expect(spans("xilinx-zcu102")).toEqual(["0x880000", "0x100000", "0x100000"]);
    expect(spans("arm-juno")).toEqual(["0x980000", "0x380000", "0x380000"]);
    expect(spans("arm-morello")).toEqual(["0x8378000", "0x778000", "0x778000"]);
  });
  it("Calxeda Midway does not compress and overflows the 96 MiB Arm32 frame table", () => {
    const m = compareSchemes(map("calxeda-midway"), ARCHES.arm32);
    expect(m.outcomes.mask.platform.state.compressed || m.outcomes.offset.platform.state.compressed).toBe(false);
    expect(m.outcomes.none.frametableBytes).toBe(160n << 20n);
    expect(m.outcomes.none.platform.frametableTooSmall).toBe(true);
  });
});

describe("offset quirks and the arch coverage check", () => {
  const ranges = (pairs: Array<[bigint, bigint]>) => makeMemoryMap("q", "json", pairs.map(([start, end]) => ({ start, end })));
  it("a range inside its predecessor shrinks it (§4.5): setup succeeds, then coverage fails", () => {
    const m = ranges([[0n, 4n * GiB], [GiB, 2n * GiB], [1024n * GiB, 1024n * GiB + 2n * GiB]]);
    const p = platformSetup(m, ARCHES.harness, { scheme: "offset" });
    expect(p.log.some((l) => /using lookup table shift/.test(l))).toBe(true);
    expect(p.log.at(-1)).toBe("PFN compression disabled, RAM region [0x0, 0xffffffff] not covered");
    expect(p.state.compressed).toBe(false);
  });
  it("with a larger third range the same input is covered (§4.5)", () => {
    const m = ranges([[0n, 4n * GiB], [GiB, 2n * GiB], [1024n * GiB, 1024n * GiB + 4n * GiB]]);
    const p = platformSetup(m, ARCHES.harness, { scheme: "offset" });
    expect(p.state.compressed).toBe(true);
    if (p.state.scheme !== "offset") throw new Error();
    expect(p.state.pdxRegionSize).toBe(0x100000n);
    expect(isRegionCompressible(p.state, 0n, 0x100000n)).toBe(true);
  });
  it("Versal Gen 2 truncates the table index (§6.4: requires order 8)", () => {
    const p = platformSetup(map("xen-7"), ARCHES.harness, { scheme: "offset" });
    expect(p.log).toContain("PFN compression table index truncated, requires order 8");
  });
  it("Dell R740 (§6.7): the fixed code reports no gain", () => {
    const p = platformSetup(map("xen-14"), ARCHES.harness, { scheme: "offset" });
    expect(p.log).toEqual(["PFN compression yields no space gain, disabling"]);
  });
  it("too many ranges for MAX_PFN_RANGES: setup declines", () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ start: BigInt(i) << 40n, end: (BigInt(i) << 40n) + GiB }));
    const p = platformSetup({ ...makeMemoryMap("m", "json", many.slice(0, 16)), ranges: many }, ARCHES.harness, { scheme: "mask" });
    expect(p.log).toEqual(["Too many PFN ranges (17 > 16), not attempting PFN compression"]);
  });
});
