/** Arch profiles against docs/notes/pdx.md §7.1 (PDX_GROUP_COUNT, FRAMETABLE_NR, group sizes). */
import { describe, expect, it } from "vitest";
import { ARCHES, frametableNr, pdxGroupCount, pdxGroupOrder } from "../src/arch.js";

describe("§7.1 frame-table constants", () => {
  it.each([
    ["x86-64", 0x10000n, 0x100000000n, 16],
    ["x86-64-bigmem", 131072n, 1n << 35n, 17],
    ["arm64", 0x40000n, 0x24924924n, 18],
    ["arm32", 0x10000n, 0x300000n, 16],
  ] as const)("%s: PDX_GROUP_COUNT %s, FRAMETABLE_NR %s", (name, group, nr, order) => {
    const a = ARCHES[name];
    expect(pdxGroupCount(a)).toBe(group);
    expect(pdxGroupOrder(a)).toBe(order);
    expect(frametableNr(a)).toBe(nr);
    // one group is 2 MiB of frame table on x86/Arm32, 6 MiB with BIGMEM, 14 MiB on Arm64
    expect((group * BigInt(a.pageInfoSize)) >> 20n).toBe({ "x86-64": 2n, "x86-64-bigmem": 6n, arm64: 14n, arm32: 2n }[name]);
  });
  it("MAX_ORDER 20 on x86, 18 elsewhere; default schemes per Kconfig", () => {
    expect(Object.values(ARCHES).map((a) => [a.name, a.maxOrder, a.defaultScheme])).toEqual([
      ["x86-64", 20, "offset"], ["x86-64-bigmem", 20, "offset"], ["arm64", 18, "mask"], ["arm32", 18, "mask"],
      ["ppc64", 18, "mask"], ["riscv64", 18, "none"], ["harness", 18, "mask"],
    ]);
  });
});
