/** The PDX presentation data the CLI, the HTML report and the playground all format. */
import { describe, expect, it } from "vitest";
import { archByName } from "../../src/arch.js";
import { catalogueMap } from "../../src/catalogue.js";
import { compareSchemes } from "../../src/pdx/compare.js";
import { schemeOnArch } from "../../src/pdx/platform.js";
import { holeBits, offsetSummary, offsetTable, schemesJson, sizesTable } from "../../src/pdx/present.js";
import { hex } from "../../src/u64.js";

const on = (id: string, arch: string) => compareSchemes(catalogueMap(id), archByName(arch)!);

describe("PDX presentation", () => {
  it("sizes: none / mask / offset with the PDX span row, the default scheme marked", () => {
    expect(sizesTable(on("arm-fvp", "arm64"))).toEqual({
      header: ["", "none", "mask (default)", "offset"],
      rows: [
        ["compresses", "-", "yes", "yes"],
        ["max_pdx", "0x900000", "0x200000", "0x100000"],
        ["PDX span", "0x880000", "0x180000", "0x100000"],
        ["frame table (virtual)", "476 MiB", "84 MiB", "56 MiB"],
        ["frame table (backed)", "56 MiB", "56 MiB", "56 MiB"],
      ],
    });
  });

  it("the mask hole is the removed field of the bit diagram", () => {
    const s = on("arm-fvp", "arm64").outcomes.mask.platform.state;
    expect(s.scheme === "mask" && holeBits(s)).toEqual({ kind: "hole", high: 22, low: 20 });
  });

  it("offset: one row per placed region in PDX order, and its summary line", () => {
    const s = on("intel-gnr-4s", "x86-64").outcomes.offset.platform.state;
    if (s.scheme !== "offset") throw new Error("expected an offset state");
    expect(offsetSummary(s)).toBe("pfn_index_shift 29, pdx_index_shift 28, region size 0x10000000 pages, 64 table entries");
    expect(offsetTable(s)).toEqual({
      header: ["region", "slot", "pfn_base", "offset", "PDX range"],
      rows: [
        ["0", "0", "0x0", "0x0", "[0x0, 0x10000000)"],
        ["1", "3", "0x63e00000", "0x53e00000", "[0x10000000, 0x20000000)"],
        ["2", "6", "0xc7e00000", "0xa7e00000", "[0x20000000, 0x30000000)"],
        ["3", "9", "0x12be00000", "0xfbe00000", "[0x30000000, 0x40000000)"],
      ],
    });
  });

  it("the schemes block names every scheme with the same four fields", () => {
    const block = schemesJson(on("arm-fvp", "arm64"));
    expect(Object.keys(block)).toEqual(["none", "mask", "offset"]);
    expect(block.mask).toEqual({ compressed: true, max_pdx: "0x200000", frametable_bytes: hex(84n << 20n), frametable_populated_bytes: hex(56n << 20n) });
  });

  it("auto means the arch default; a named scheme stays", () => {
    expect(schemeOnArch("auto", archByName("x86-64")!)).toBe("offset");
    expect(schemeOnArch("auto", archByName("riscv64")!)).toBe("none");
    expect(schemeOnArch("mask", archByName("x86-64")!)).toBe("mask");
  });
});
