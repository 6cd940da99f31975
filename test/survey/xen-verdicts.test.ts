/**
 * Differential against Xen itself: real Xen-on-Arm64 boot logs print the banks, Xen's
 * own mask verdict ("PFN compression on bits A...B") and the frame-table allocation
 * (`alloc_boot_pages: nr_pfns N pfn_align 8192`: the frame table rounded up to 32 MiB).
 * The expected values are read from the log text; the model must reproduce them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMemoryMap } from "../../src/memmap/parse.js";
import { placeOnArch } from "../../src/pdx/arch-choice.js";
import { compareSchemes } from "../../src/pdx/compare.js";

describe.each(["xen-arm64-fvp-banks-f9.log", "xen-arm64-fvp-banks-f8.log"])("%s", (file) => {
  const text = readFileSync(new URL(`../fixtures/boot-logs/${file}`, import.meta.url), "utf8");
  const { map, choice } = placeOnArch(parseMemoryMap(text, { name: file }));
  const c = compareSchemes(map, choice.arch);
  const mask = c.outcomes.mask;

  it("the same compressed bits Xen printed", () => {
    const xen = /PFN compression on bits (\d+)\.\.\.(\d+)/.exec(text)!;
    expect(choice.arch.name).toBe("arm64");
    expect(mask.platform.log).toContain(`PFN compression on bits ${xen[1]}...${xen[2]}`);
  });
  it("the frame table Xen allocated, in 4 KiB pages after its 32 MiB rounding", () => {
    const [, nrPfns, align] = /alloc_boot_pages: nr_pfns (\d+) pfn_align (8192)/.exec(text)!;
    const chunk = BigInt(align) * 4096n;
    const rounded = ((mask.frametableBytes + chunk - 1n) / chunk) * chunk;
    expect(rounded / 4096n).toBe(BigInt(nrPfns));
  });
});
