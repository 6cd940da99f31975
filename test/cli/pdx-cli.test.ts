/**
 * The built `xenmm` command: `pdx --json` agrees with the research tables for every Xen
 * vector (harness) and with §6.6 (x86-64); bad input exits 2 with a message, no stack.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import vectors from "../fixtures/xen-pdx-vectors.json" with { type: "json" };
import { xenmm } from "../run-cli.js";

describe("xenmm pdx --json on Xen's vectors (--arch harness)", () => {
  it.each(vectors.vectors)("#$id $name", async (v) => {
    const mask = JSON.parse((await xenmm("pdx", `xen-${v.id}`, "--scheme", "mask", "--json")).stdout);
    const offset = JSON.parse((await xenmm("pdx", `xen-${v.id}`, "--scheme", "offset", "--json", "--probe", v.pfnRanges[0][0])).stdout);
    expect([mask.scheme, mask.compressed, offset.scheme, offset.compressed]).toEqual(["mask", v.expectMask, "offset", v.expectOffset]);
    if (v.mask) {
      expect(mask.params).toEqual({
        pfn_pdx_bottom_mask: v.mask.pfnPdxBottomMask, ma_va_bottom_mask: v.mask.maVaBottomMask, pfn_top_mask: v.mask.pfnTopMask,
        ma_top_mask: v.mask.maTopMask, pfn_hole_mask: v.mask.pfnHoleMask, pfn_pdx_hole_shift: v.mask.holeShift,
      });
    } else {
      expect(mask.params).toEqual({ pfn_pdx_bottom_mask: "0xffffffffffffffff", ma_va_bottom_mask: "0xffffffffffffffff", pfn_top_mask: "0x0", ma_top_mask: "0x0", pfn_hole_mask: "0x0", pfn_pdx_hole_shift: 0 });
    }
    if (v.offset) {
      expect([offset.params.pfn_index_shift, offset.params.pdx_index_shift, offset.params.pdx_region_size]).toEqual([v.offset.pfnIndexShift, v.offset.pdxIndexShift, v.offset.pdxRegionSize]);
      expect(offset.params.pfn_bases).toEqual(Object.fromEntries(v.offset.slots.map((s) => [String(s.slot), s.pfnBase])));
      expect(offset.params.pfn_pdx_lookup).toEqual(Object.fromEntries(v.offset.slots.filter((s) => s.pfnPdxLookup !== "0x0").map((s) => [String(s.slot), s.pfnPdxLookup])));
      expect(offset.params.pdx_pfn_lookup).toEqual(Object.fromEntries(v.offset.pdxPfnLookup.flatMap((x, i) => (x === "0x0" ? [] : [[String(i), x]]))));
      const [start, pdx] = v.offset.endpoints[0];
      expect(offset.probes[0]).toMatchObject({ pfn: start, pdx, roundtrip: start, compressible: true });
    } else {
      expect([offset.params.pfn_index_shift, offset.params.pdx_index_shift, offset.params.pdx_region_size]).toEqual([0, 0, "0xffffffffffffffff"]);
    }
  });
});

describe("xenmm pdx --arch x86-64 (§6.6)", () => {
  it("GNR: offset with 2^20-aligned bases; probes through the WASM engine", async () => {
    const r = JSON.parse((await xenmm("pdx", "intel-gnr-4s", "--arch", "x86-64", "--json", "--probe", "0x63e80000,0x133e7ffff,0x133e80000")).stdout);
    expect(r).toMatchObject({ scheme: "offset", compressed: true, max_pdx: "0x38080000", frametable_bytes: `0x${(0x38080000n * 32n).toString(16)}` });
    expect(r.params.pfn_pdx_lookup).toEqual({ 3: "0x53e00000", 6: "0xa7e00000", 9: "0xfbe00000" });
    expect(r.probes.map((p: { pdx: string }) => p.pdx)).toEqual(["0x10080000", "0x3807ffff", "0x38080000"]);
    expect(r.probes[0]).toEqual({ pfn: "0x63e80000", pdx: "0x10080000", roundtrip: "0x63e80000", compressible: true, maddr: "0x63e80000abc", directmapoff: "0x10080000abc", mfn_valid: true });
    // one past node 3 still lies inside its 0x10000000-page PDX region, but is at max_page
    expect(r.probes[2]).toMatchObject({ compressible: true, mfn_valid: false });
  });
  it.each(["xen-9", "xen-10", "xen-11", "xen-12", "xen-13", "xen-14"])("%s declines", async (id) => {
    for (const scheme of ["mask", "offset"]) {
      const r = JSON.parse((await xenmm("pdx", id, "--arch", "x86-64", "--scheme", scheme, "--json")).stdout);
      expect(r.compressed).toBe(false);
    }
  });
});

describe("input from files and errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenmm-cli-"));
  it("reads a Linux dmesg file and the human report names the scheme and verdict", async () => {
    const file = join(dir, "dmesg.txt");
    writeFileSync(file, "BIOS-e820: [mem 0x0000000080000000-0x00000000ffffffff] usable\nBIOS-e820: [mem 0x0000000880000000-0x00000008ffffffff] usable\n");
    const r = await xenmm("pdx", file, "--arch", "arm64");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PFN compression on bits 20...22");
    expect(r.stdout).toContain("verdict: the default (mask) compresses: frame table 84 MiB instead of 476 MiB");
  });
  it.each([
    [["pdx", "/nonexistent/map"], /cannot read '\/nonexistent\/map' \(ENOENT\)/],
    [["pdx", "xen-1", "--arch", "vax"], /unknown arch 'vax'/],
    [["pdx", "xen-1", "--scheme", "zip"], /--scheme: 'zip' is not one of auto, none, mask, offset/],
    [["pdx", "xen-1", "--table-order", "10"], /--table-order: '10' is outside 0\.\.9/],
    [["pdx", "xen-1", "--probe", "0xq"], /--probe: '0xq' is not a hex or decimal number/],
    [["pdx", "xen-1", "--bogus"], /^xenmm: unknown flag '--bogus' \(see xenmm pdx --help\)\n$/],
    [["frobnicate"], /unknown verb 'frobnicate'/],
  ])("%j exits 2 with a message", async (args, message) => {
    const r = await xenmm(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it("a bad map file names the line", async () => {
    const file = join(dir, "bad.txt");
    writeFileSync(file, "0x0 0x1000\n0x5000 0x2000\n");
    const r = await xenmm("pdx", file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`xenmm: ${file} line 2: end 0x2000 is not above start 0x5000`);
  });
  it("xenmm report prints the catalogue table and writes the HTML it names", async () => {
    const html = join(dir, "report.html");
    const r = await xenmm("report", "--html", html);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/arm-fvp\s+arm64\s+mask\s+mask: bits 20\.\.22; offset: 2 regions × 0x80000\s+476 MiB\s+84 MiB\s+56 MiB/);
    expect(r.stderr).toContain(html);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<svg");
    expect(page).toContain("intel-gnr-4s");
  });
});
