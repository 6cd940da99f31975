/** Every memory-map format, format detection, and every bad-input class with its message. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ARCHES } from "../../src/arch.js";
import { MemoryMapError } from "../../src/memmap/error.js";
import { detectFormat, parseMemoryMap } from "../../src/memmap/parse.js";

const spans = (text: string, options = {}) => parseMemoryMap(text, options).ranges.map((r) => [r.start, r.end]);

describe("formats", () => {
  it("JSON: pairs, {start,end} and {start,size}, hex, decimal and small numbers", () => {
    const text = JSON.stringify({ ranges: [["0x0", "0x80000000"], { start: "0x100000000", end: "8589934592" }, { start: 4096, size: "0x1000" }] });
    expect(spans(text)).toEqual([[0n, 0x80000000n], [0x100000000n, 0x200000000n], [0x1000n, 0x2000n]]);
    expect(detectFormat(text)).toBe("json");
  });

  it("plain text: START END, START-END, START+SIZE, comments", () => {
    const text = "# FVP\n0x80000000 0x100000000\n0x880000000-0x900000000  # bank 1\n\n4096+4096\n";
    expect(spans(text)).toEqual([[0x80000000n, 0x100000000n], [0x880000000n, 0x900000000n], [4096n, 8192n]]);
    expect(parseMemoryMap(text).ranges.map((r) => r.line)).toEqual([2, 3, 5]);
  });

  it("Xen boot log: usable E820 entries (exclusive end), or SRAT entries (inclusive) with E820 kept for coverage", () => {
    const e820 = [
      "(XEN) Xen-e820 RAM map:",
      "(XEN)  0000000000000000 - 000000000009fc00 (usable)",
      "(XEN)  00000000000f0000 - 0000000000100000 (reserved)",
      "(XEN)  0000000000100000 - 0000000080000000 (usable)",
      "(XEN)  0000000100000000 - 0000000880000000 (usable)",
    ].join("\n");
    expect(detectFormat(e820)).toBe("xen-log");
    expect(spans(e820)).toEqual([[0n, 0x9fc00n], [0x100000n, 0x80000000n], [0x100000000n, 0x880000000n]]);
    const withSrat = `${e820}\n(XEN) SRAT: Node 0 PXM 0 [0000000000000000, 000000007fffffff]\n(XEN) SRAT: Node 1 PXM 1 [0000000100000000, 000000087fffffff]`;
    const map = parseMemoryMap(withSrat);
    expect(map.ranges.map((r) => [r.start, r.end, r.label])).toEqual([[0n, 0x80000000n, "node 0"], [0x100000000n, 0x880000000n, "node 1"]]);
    expect(map.coverage).toHaveLength(3);
  });

  it("Linux dmesg E820 (inclusive end) and SRAT", () => {
    const dmesg = "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000087fffffff] usable";
    expect(detectFormat(dmesg)).toBe("linux-e820");
    expect(spans(dmesg)).toEqual([[0n, 0x9fc00n], [0x100000000n, 0x880000000n]]);
    const srat = "[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]\n[    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x87fffffff]";
    expect(detectFormat(srat)).toBe("linux-srat");
    expect(spans(srat)).toEqual([[0n, 0x80000000n], [0x100000000n, 0x880000000n]]);
  });

  it("/proc/iomem: top-level System RAM only", () => {
    const iomem = "00000000-00000fff : Reserved\n00001000-0009efff : System RAM\n100000000-87fffffff : System RAM\n  1000000-1ffffff : Kernel code\n";
    expect(detectFormat(iomem)).toBe("iomem");
    expect(spans(iomem)).toEqual([[0x1000n, 0x9f000n], [0x100000000n, 0x880000000n]]);
  });

  it("device tree: memory nodes with 2/2 and 1/1 cells, several reg tuples", () => {
    const dts = `/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  /* two banks */
  memory@80000000 {
    device_type = "memory";
    reg = <0x00 0x80000000 0x00 0x80000000>,
          <0x08 0x80000000 0x00 0x80000000>;
  };
  soc { #address-cells = <1>; #size-cells = <1>; sram@1000 { reg = <0x1000 0x100>; }; };
};`;
    expect(detectFormat(dts)).toBe("dts");
    expect(spans(dts)).toEqual([[0x80000000n, 0x100000000n], [0x880000000n, 0x900000000n]]);
    const dts32 = `/ { #address-cells = <1>; #size-cells = <1>; memory { device_type = "memory"; reg = <0x80000000 0x40000000>; }; };`;
    expect(spans(dts32)).toEqual([[0x80000000n, 0xc0000000n]]);
  });
});

describe("bad input names the line or field and the rule", () => {
  const fails = (text: string, message: RegExp, options = {}) => {
    expect(() => parseMemoryMap(text, { name: "m.txt", ...options })).toThrow(MemoryMapError);
    expect(() => parseMemoryMap(text, { name: "m.txt", ...options })).toThrow(message);
  };
  it("unparseable text", () => fails("0x1000 0x2000\nbanana\n", /^m\.txt line 2: expected 'START END' or 'START\+SIZE', got 'banana'$/));
  it("a bad number", () => fails("0x1000 0xzz\n", /m\.txt line 1: '0xzz' is not a hex or decimal number/));
  it("end not above start", () => fails("0x2000 0x1000\n", /m\.txt line 1: end 0x1000 is not above start 0x2000/));
  it("a value beyond 64 bits", () => fails("0x0 0x10000000000000000\n", /m\.txt line 1: 0x10000000000000000 does not fit in 64 bits/));
  it("an end beyond 64 bits", () => fails("0xfffffffffffff000+0x2000\n", /m\.txt line 1: end 0x10000000000000ffe?0* does not fit in 64 bits|end 0x10000000000001000 does not fit in 64 bits/));
  it("beyond the arch's physical address width", () =>
    fails("0x0 0x20000000000000\n", /m\.txt line 1: range \[0x0, 0x20000000000000\) ends above the 52-bit physical address space of x86-64/, { arch: ARCHES["x86-64"] }));
  it("more ranges than MAX_PFN_RANGES", () =>
    fails(Array.from({ length: 17 }, (_, i) => `${i * 0x100000} ${i * 0x100000 + 0x1000}`).join("\n"), /m\.txt: 17 ranges exceed MAX_PFN_RANGES = 16 on harness/, { arch: ARCHES.harness }));
  it("no RAM at all", () => fails("# nothing\n", /m\.txt: no RAM ranges found/));
  it("JSON field errors", () => {
    fails('{"ranges": [["0x0", "0x1000"], {"start": "0x2000"}]}', /m\.txt field ranges\[1\]: a range object needs 'end' or 'size'/);
    fails('{"ranges": [["0x0", 1e300]]}', /field ranges\[0\]\[1\]: 1e\+300 is not an exact non-negative integer/);
    fails('{"ranges": 5}', /field ranges: expected an object with a 'ranges' array/);
    fails('{"ranges": [', /m\.txt: not valid JSON/);
  });
  it("device tree cell errors", () => {
    fails('/ { #address-cells = <3>; memory { device_type = "memory"; reg = <0 0 0 0>; }; };', /#address-cells must be <1> or <2>/);
    fails('/ { #address-cells = <2>; #size-cells = <2>; memory { device_type = "memory"; reg = <0 0 0>; }; };', /reg has 3 cells, not a multiple of #address-cells \+ #size-cells = 4/);
  });
  it("/proc/iomem read without root", () => fails("00000000-00000000 : System RAM\n00000000-00000000 : System RAM\n", /hides addresses from non-root users/));
});

describe("accepted oddities are warnings saying what Xen does", () => {
  it("unaligned and overlapping ranges", () => {
    const map = parseMemoryMap("0x800 0x5000\n0x4000 0x9000\n", { arch: ARCHES.harness });
    expect(map.warnings).toHaveLength(2);
    expect(map.warnings[0]).toMatch(/line 1: \[0x800, 0x5000\) is not page-aligned; Xen registers it with the start rounded down and the end rounded up/);
    expect(map.warnings[1]).toMatch(/overlap; mask setup ORs them independently, offset setup merges them/);
  });
});

describe("property: every format round-trips any list of ranges", () => {
  const rangeArb = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 52n) - 2n }), fc.bigInt({ min: 1n, max: 1n << 40n }))
    .map(([start, size]) => ({ start, end: start + size }));
  const mapArb = fc.array(rangeArb, { minLength: 1, maxLength: 16 });
  const hx = (x: bigint) => `0x${x.toString(16)}`;
  const expected = (rs: { start: bigint; end: bigint }[]) => rs.map((r) => [r.start, r.end]);

  it("JSON", () => fc.assert(fc.property(mapArb, (rs) => {
    expect(spans(JSON.stringify({ ranges: rs.map((r) => [hx(r.start), hx(r.end)]) }))).toEqual(expected(rs));
  })));
  it("plain text with sizes", () => fc.assert(fc.property(mapArb, (rs) => {
    expect(spans(rs.map((r) => `${hx(r.start)}+${(r.end - r.start).toString()}`).join("\n"))).toEqual(expected(rs));
  })));
  it("Linux E820", () => fc.assert(fc.property(mapArb, (rs) => {
    expect(spans(rs.map((r) => `BIOS-e820: [mem ${hx(r.start)}-${hx(r.end - 1n)}] usable`).join("\n"))).toEqual(expected(rs));
  })));
  it("Xen E820", () => fc.assert(fc.property(mapArb, (rs) => {
    const pad = (x: bigint) => x.toString(16).padStart(16, "0");
    expect(spans(rs.map((r) => `(XEN)  ${pad(r.start)} - ${pad(r.end)} (usable)`).join("\n"))).toEqual(expected(rs));
  })));
  it("device tree with 2/2 cells", () => fc.assert(fc.property(mapArb, (rs) => {
    const cells = (x: bigint) => `${hx(x >> 32n)} ${hx(x & 0xffffffffn)}`;
    const dts = `/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n${rs.map((r, i) => `memory@${i} { device_type = "memory"; reg = <${cells(r.start)} ${cells(r.end - r.start)}>; };`).join("\n")}\n};`;
    expect(spans(dts)).toEqual(expected(rs));
  })));
  it("garbage never escapes as anything but a MemoryMapError", () => fc.assert(fc.property(fc.string(), (text) => {
    try { parseMemoryMap(text); } catch (e) { expect(e).toBeInstanceOf(MemoryMapError); }
  })));
});
