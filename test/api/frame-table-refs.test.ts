/**
 * get_page / put_page / page_count take references only on pages that exist: an MFN that is
 * not mfn_valid is refused by name, and a frame table with nothing backed never follows a
 * null group directory into other memory (it used to read the context block as a directory).
 */
import { describe, expect, it } from "vitest";
import { catalogueMap } from "../../src/catalogue.js";
import { Engine } from "../../src/engine/engine.js";
import { PageRefError } from "../../src/engine/frame-table.js";
import { makeMemoryMap } from "../../src/memmap/map.js";

describe("frame-table references", () => {
  it("refuses an MFN that is not mfn_valid, saying so, and leaves the valid page alone", async () => {
    const engine = await Engine.create({ arch: "arm64" });
    const pdx = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    pdx.frameTable.back();
    // 0x80000 is RAM; 0x180000 differs only in hole bit 20, so mask compression aliases it onto 0x80000.
    expect(pdx.pfnToPdx(0x180000n)).toBe(pdx.pfnToPdx(0x80000n));
    expect(pdx.mfnValid(0x180000n)).toBe(false);
    for (const op of ["getPage", "putPage", "pageCount"] as const)
      expect(() => pdx.frameTable[op](0x180000n)).toThrow(/is not mfn_valid/);
    expect(pdx.frameTable.getPage(0x80000n)).toBe(1n);
    expect(pdx.frameTable.pageCount(0x80000n)).toBe(1n);
  });

  it("refuses 64-bit overflow instead of wrapping onto another page", async () => {
    const engine = await Engine.create({ arch: "arm64" });
    const pdx = engine.setup(catalogueMap("arm-fvp"), { scheme: "mask" });
    pdx.frameTable.back();
    expect(() => pdx.frameTable.getPage(2n ** 64n + 0x80000n)).toThrow(/does not fit in 64 bits/);
    expect(pdx.frameTable.pageCount(0x80000n)).toBe(0n);
  });

  it("an unbacked frame table refuses every group and writes nothing", async () => {
    const engine = await Engine.create({ arch: "x86-64" });
    const pdx = engine.setup(makeMemoryMap("1 TiB", "json", [{ start: 0n, end: 1n << 40n }]), { scheme: "none" });
    const before = new Uint8Array(engine.memory.buffer).slice();
    const G = pdx.platform.groupCount;
    let refused = 0;
    for (let g = 0n; g < 4096n; g++) {
      try { pdx.frameTable.getPage(g * G); } catch (e) { if (e instanceof PageRefError) refused++; else throw e; }
    }
    expect(refused).toBe(4096);
    expect(pdx.getPageBatch(BigUint64Array.from({ length: 4096 }, (_, g) => BigInt(g) * G))).toBe(0);
    const after = new Uint8Array(engine.memory.buffer, 0, before.length);
    expect(after.every((b, i) => b === before[i] || i >= pdx.ctx + 4096)).toBe(true);
  });
});
