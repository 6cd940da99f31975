/**
 * The WASM engine reproduces Xen's probe tables (docs/notes/pdx.md §6.5): conversions,
 * round trips, region compressibility and the aliasing of invalid PFNs, per vector and
 * mode, under Xen's harness parameters.
 */
import { beforeAll, describe, expect, it } from "vitest";
import probes from "../fixtures/xen-pdx-probes.json" with { type: "json" };
import { catalogueEntry, catalogueMap } from "../../src/catalogue.js";
import { Engine } from "../../src/engine/engine.js";
import { hex } from "../../src/pdx/bits.js";

let engine: Engine;
beforeAll(async () => { engine = await Engine.create({ arch: "harness" }); });

describe.each(probes.tables)("vector #$id, $mode mode", (table) => {
  it("matches every probe row", () => {
    const pdx = engine.setup(catalogueMap(catalogueEntry(`xen-${table.id}`)!), { scheme: table.mode as "mask" | "offset" });
    expect(pdx.platform.state.compressed).toBe(true);
    const got = table.rows.map((row) => {
      const pfn = BigInt(row.pfn);
      const maddr = (pfn << 12n) | 0xabcn;
      const p = pdx.pfnToPdx(pfn);
      return {
        pfn: row.pfn, pdx: hex(p), roundtrip: hex(pdx.pdxToPfn(p)), compressible: pdx.isRegionCompressible(pfn << 12n, 1n),
        maddr: hex(maddr), directmapoff: hex(pdx.maddrToDirectmapoff(maddr)),
      };
    });
    expect(got).toEqual(table.rows);
  });

  it("gives the same answers in a batch, with both kernels", () => {
    const pdx = engine.setup(catalogueMap(catalogueEntry(`xen-${table.id}`)!), { scheme: table.mode as "mask" | "offset" });
    const pfns = BigUint64Array.from(table.rows.map((r) => BigInt(r.pfn)));
    const maddrs = pfns.map((p) => (p << 12n) | 0xabcn);
    for (const kernel of ["simd", "scalar"] as const) {
      expect([...pdx.convert("pfnToPdx", pfns, { kernel })].map(hex)).toEqual(table.rows.map((r) => r.pdx));
      expect([...pdx.convert("pdxToPfn", pdx.convert("pfnToPdx", pfns, { kernel }), { kernel })].map(hex)).toEqual(table.rows.map((r) => r.roundtrip));
      expect([...pdx.convert("maddrToDirectmapoff", maddrs, { kernel })].map(hex)).toEqual(table.rows.map((r) => r.directmapoff));
      const offs = pdx.convert("maddrToDirectmapoff", maddrs, { kernel });
      expect([...pdx.convert("directmapoffToMaddr", offs, { kernel })]).toEqual(table.rows.map((r, i) => (r.compressible ? maddrs[i] : pdx.directmapoffToMaddr(offs[i]))));
    }
  });
});
