/**
 * Every format of issue 10 §1, each from a real sample under test/fixtures (their first
 * lines name the source), including every case that failed before: modern Xen E820,
 * old SRAT, dom0's `Xen: [mem …]`, old Linux without timestamps, Arm node lines,
 * /sys/firmware/memmap, CR-only endings and a UTF-8 BOM.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemoryMapError } from "../../src/memmap/error.js";
import { detectFormat, parseMemoryMap } from "../../src/memmap/parse.js";

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const spans = (rs: readonly { start: bigint; end: bigint }[]) => rs.map((r) => [r.start, r.end]);
const parse = (path: string) => parseMemoryMap(fixture(path), { name: path });

describe("Xen boot logs (xl dmesg)", () => {
  it("EFI RAM map in the [start, end] form (inclusive) with the old 'N-M' SRAT (exclusive): SRAT to setup, E820 RAM to coverage", () => {
    const m = parse("boot-logs/xen-4.14-efi-ram-map-old-srat.log");
    expect(m.format).toBe("xen-log");
    expect(spans(m.ranges)).toEqual([[0n, 0x80000000n], [0x100000000n, 0x2080000000n]]);
    expect(m.ranges.map((r) => [r.node, r.line])).toEqual([[0, 22], [0, 23]]);
    expect(spans(m.coverage)).toEqual([[0n, 0xa0000n], [0x100000n, 0x6965f000n], [0x6bee6000n, 0x6c0a7000n], [0x6ed17000n, 0x70000000n], [0x100000000n, 0x2080000000n]]);
    expect(m.archHint?.arch).toBe("x86-64");
  });
  it("timestamped Xen-e820 [start, end] lines and old SRAT; dom0's lines after them do not replace Xen's", () => {
    const m = parse("boot-logs/xen-4.17-timestamped-xen-e820.log");
    expect(spans(m.ranges)).toEqual([[0n, 0xa0000n], [0x100000n, 0xc8000000n], [0x100000000n, 0x6b8000000n]]);
    expect(spans(m.coverage)).toEqual([[0n, 0x96400n], [0x100000n, 0xc7f90000n], [0x100000000n, 0x6b8000000n]]);
    expect(m.coverage.map((r) => r.line)).toEqual([5, 8, 13]);
  });
  it("the older 'start - end' E820 form (exclusive); stack dumps and 'Faking a node' are not RAM", () => {
    const m = parse("boot-logs/xen-4.11-efi-ram-map-dash.log");
    expect(m.format).toBe("xen-log");
    expect(spans(m.ranges)).toEqual([[0n, 0x9f000n], [0x100000n, 0x40000000n], [0x40400000n, 0x7bcbd000n], [0x7bcbf000n, 0x7bd8e000n],
      [0x7bd8f000n, 0x83947000n], [0x89eff000n, 0x89f00000n], [0x100000000n, 0x86c800000n]]);
  });
  it("the modern SRAT form behind a syslog timestamp", () => {
    const m = parse("boot-logs/xen-osstest-syslog-srat.log");
    expect(spans(m.ranges)).toEqual([[0n, 0x80000000n], [0x100000000n, 0x480000000n], [0x480000000n, 0x880000000n]]);
    expect(m.ranges.map((r) => r.node)).toEqual([0, 0, 1]);
  });
  it("Xen on Arm: 'RAM: start - end' device-tree banks (inclusive); MODULE and RESVD lines are not RAM", () => {
    const m = parse("boot-logs/xen-arm64-fvp-banks-f9.log");
    expect([m.format, m.archHint?.arch]).toEqual(["xen-log", "arm64"]);
    expect(spans(m.ranges)).toEqual([[0x80000000n, 0xff000000n], [0xf900000000n, 0xf980000000n]]);
    expect(m.ranges.map((r) => r.line)).toEqual([9, 10]);
  });
  it("only the last E820 table counts when Xen prints the map twice", () => {
    const lines = fixture("boot-logs/xen-4.11-efi-ram-map-dash.log").split("\n");
    const twice = [...lines.slice(3, 26), "(XEN) Xen-e820 RAM map:", "(XEN)  0000000000000000 - 000000000009f000 (usable)", "(XEN)  0000000100000000 - 000000086c800000 (usable)"].join("\n");
    expect(spans(parseMemoryMap(twice).ranges)).toEqual([[0n, 0x9f000n], [0x100000000n, 0x86c800000n]]);
  });
});

describe("Linux boot logs (dmesg)", () => {
  it("dom0's 'Xen: [mem …] usable' lines (inclusive); the user: map and zone lines are not read", () => {
    const m = parse("boot-logs/dom0-xen-e820.log");
    expect(m.format).toBe("linux-e820");
    expect(spans(m.ranges)).toEqual([[0n, 0x96000n], [0x100000n, 0x8006a000n]]);
    expect(m.machine).toBe("MSI MS-7640/890FXA-GD70 (MS-7640)");
  });
  it("a 2.6.32 log without timestamps: ' BIOS-e820: START - END (usable)', exclusive; 'e820 update range' is not RAM", () => {
    const m = parse("real-hosts/11-dell-poweredge-2850.log");
    expect(m.format).toBe("linux-e820");
    expect(spans(m.ranges)).toEqual([[0n, 0xa0000n], [0x100000n, 0xdffc0000n], [0x100000000n, 0x1ffffe000n], [0x200000000n, 0x2ffffe000n], [0x300000000n, 0x3ffffe000n], [0x400000000n, 0x420000000n]]);
    expect(m.ranges.map((r) => r.line)).toEqual([3, 4, 12, 14, 16, 18]);
    expect(m.machine).toBe("Dell Computer Corporation PowerEdge 2850/0T7971");
  });
  it("e820 and SRAT: the SRAT (hot-pluggable included) to setup, e820 usable to coverage; 'e820: update' and zones ignored", () => {
    const m = parse("real-hosts/06-lenovo-thinksystem-sr645.log");
    expect(m.format).toBe("linux-srat");
    expect(spans(m.ranges)).toEqual([[0n, 0xa0000n], [0xc0000n, 0xb0000000n], [0x100000000n, 0x4050000000n], [0x4050000000n, 0x8050000000n]]);
    expect(m.coverage).toHaveLength(8);
    expect(m.coverage.at(-1)).toMatchObject({ start: 0x4050000000n, end: 0x804fc00000n });
    const hotplug = parseMemoryMap("[    0.000000] ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x17fffffff] hotplug\n[    0.000000] ACPI: SRAT: Node 2 PXM 2 [mem 0x180000000-0x1ffffffff] non-volatile");
    expect(spans(hotplug.ranges)).toEqual([[0x100000000n, 0x180000000n]]);
  });
  it("Arm64: 'Machine model:' and the 'node N: [mem …]' lines stand for the DT banks", () => {
    const m = parse("real-hosts/60-raspberry-pi-4b-8g-arm64.log");
    expect(m.format).toBe("linux-nodes");
    expect(spans(m.ranges)).toEqual([[0n, 0x3b400000n], [0x40000000n, 0xfc000000n], [0x100000000n, 0x200000000n]]);
    expect([m.machine, m.archHint?.arch]).toEqual(["Raspberry Pi 4 Model B Rev 1.4", "arm64"]);
  });
  it("Arm32: 'OF: fdt: Machine model:' and a HighMem zone", () => {
    const m = parse("real-hosts/57-hardkernel-odroid-u3-armv7.log");
    expect(spans(m.ranges)).toEqual([[0x40000000n, 0xbd300000n], [0xbd300000n, 0xbff00000n]]);
    expect([m.machine, m.archHint?.arch]).toEqual(["Hardkernel ODROID-U3 board based on Exynos4412", "arm32"]);
  });
  it("an ACPI Arm64 server: node lines, not its SRAT, are the banks Xen on Arm registers", () => {
    const m = parse("real-hosts/09-huawei-taishan-200-kunpeng.log");
    expect(m.archHint?.arch).toBe("arm64");
    expect(m.ranges).toHaveLength(39);
    expect(m.ranges.at(-1)).toMatchObject({ start: 0x204000000000n, end: 0x206000000000n, node: 3 });
  });
});

describe("the kernel's firmware-map files", () => {
  it("/sys/firmware/memmap as grep prints it (entries in directory-number order, inclusive ends)", () => {
    const m = parse("boot-logs/sysfs-firmware-memmap.txt");
    expect(m.format).toBe("sysfs-memmap");
    expect(spans(m.ranges)).toEqual([[0n, 0x9fc00n], [0x100000n, 0xbff80000n], [0x100000000n, 0x1040000000n]]);
  });
  it("/sys/firmware/memmap flattened to 'START END TYPE' lines", () => {
    const grepped = fixture("boot-logs/sysfs-firmware-memmap.txt").split("\n").filter((l) => l.startsWith("/sys"));
    const entries = new Map<string, Record<string, string>>();
    for (const l of grepped) {
      const [, index, key, value] = /memmap\/(\d+)\/(\w+):(.*)/.exec(l)!;
      entries.set(index, { ...entries.get(index), [key]: value });
    }
    const flat = [...entries.values()].map((e) => `${e.start} ${e.end} ${e.type}`).join("\n");
    expect(detectFormat(flat)).toBe("sysfs-memmap");
    expect(spans(parseMemoryMap(flat).ranges)).toEqual([[0n, 0x9fc00n], [0x100000n, 0xbff80000n], [0x100000000n, 0x1040000000n]]);
  });
});

describe("encodings", () => {
  const log = fixture("real-hosts/11-dell-poweredge-2850.log");
  const lf = parseMemoryMap(log);
  it.each([["CRLF", "\r\n"], ["CR", "\r"]])("%s line endings read exactly as LF, line numbers included", (_, eol) => {
    const m = parseMemoryMap(log.replace(/\n/g, eol));
    expect(m.ranges).toEqual(lf.ranges);
  });
  it("CR-only text range lists keep every range", () => {
    expect(spans(parseMemoryMap("0x0 0x1000\r0x2000 0x3000\r0x4000 0x5000\r").ranges)).toHaveLength(3);
  });
  it.each(["json", "log", "text", "dts"])("a UTF-8 BOM before %s", (kind) => {
    const text = { json: '{"ranges": [["0x0", "0x80000000"]]}', log: "BIOS-e820: [mem 0x0000000000000000-0x000000007fffffff] usable", text: "0x0 0x80000000", dts: '/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; memory@0 { device_type = "memory"; reg = <0x0 0x80000000>; }; };' }[kind]!;
    expect(spans(parseMemoryMap(`\uFEFF${text}`).ranges)).toEqual([[0n, 0x80000000n]]);
  });
});

describe("hostile input: linear time, short messages", () => {
  const oneLine = (f: () => unknown) => {
    try { f(); } catch (e) {
      expect(e).toBeInstanceOf(MemoryMapError);
      expect((e as Error).message).not.toContain("\n");
      expect((e as Error).message.length).toBeLessThan(600);
      return (e as Error).message;
    }
    throw new Error("expected a MemoryMapError");
  };
  it("a 200 KB device tree with no separators, and 10^5 unclosed '/*'", () => {
    expect(oneLine(() => parseMemoryMap(`/dts-v1/ ${"a".repeat(200_000)}`))).toMatch(/no RAM ranges found/);
    expect(oneLine(() => parseMemoryMap(`/dts-v1/;\n${"/*".repeat(100_000)}`))).toMatch(/line 2: comment '\/\*' is not closed/);
  });
  it("device trees nested too deep or with too many nodes are refused before they fill memory", () => {
    expect(oneLine(() => parseMemoryMap(`/dts-v1/;\n${"{".repeat(1e6)}`))).toMatch(/line 2: nodes nest deeper than 256$/);
    expect(oneLine(() => parseMemoryMap(`/dts-v1/;\n/ {${"n{};".repeat((1 << 20) + 1)}};`))).toMatch(/more than 1048576 nodes$/);
  });
  it("lines that repeat a keyword a hundred times each stay a map (no backtracking blow-up)", () => {
    const noise = [" DMI: ".repeat(160), "(XEN) ".repeat(160), "BIOS-e820: ".repeat(90), "Xen: [mem ".repeat(90), "Machine model: ".repeat(60), "SRAT: Node 1 PXM 1 ".repeat(50)];
    const text = `BIOS-e820: [mem 0x0000000000000000-0x000000007fffffff] usable\n${noise.join("\n").repeat(2000)}`;
    expect(spans(parseMemoryMap(text).ranges)).toEqual([[0n, 0x80000000n]]);
  });
  it("more ranges than a map may hold are refused while reading, at the line that passes the limit", () => {
    const lines = "0x1000 0x2000\n".repeat((1 << 20) + 1);
    expect(oneLine(() => parseMemoryMap(lines))).toMatch(/line 1048577: more than 1048576 RAM ranges; no firmware reports that many$/);
  });
  it("a 1 MB '-' line is refused quoting at most ~120 characters", () => {
    const message = oneLine(() => parseMemoryMap(`0x0 0x1000\n${"-".repeat(1 << 20)}\n`));
    expect(message).toMatch(/line 2: expected 'START END' or 'START\+SIZE', got '-{120}… \(1048576 characters\)'$/);
  });
  it("a 1 MB number is refused without echoing it", () => {
    expect(oneLine(() => parseMemoryMap(`0x${"f".repeat(1 << 20)} 0x1\n`))).toMatch(/is too long to be a 64-bit number/);
  });
  it("an end past 2^64 from START+SIZE is refused where it was written, in every format that adds sizes", () => {
    expect(oneLine(() => parseMemoryMap('{"ranges": [{"start": "0xfffffffffffff000", "size": "0x2000"}]}'))).toMatch(/field ranges\[0\]: end 0x10000000000001000 does not fit in 64 bits$/);
    expect(oneLine(() => parseMemoryMap('/ { #address-cells = <2>; #size-cells = <2>;\nmemory@0 { device_type = "memory"; reg = <0xffffffff 0xfffff000 0x0 0x2000>; }; };'))).toMatch(/line 2: end 0x10000000000001000 does not fit in 64 bits$/);
  });
  it("JSON nested a million deep gives one line, not a stack overflow", () => {
    const deep = `{"ranges": [["0x0", ${"[".repeat(1e6)}${"]".repeat(1e6)}]]}`;
    expect(oneLine(() => parseMemoryMap(deep))).toMatch(/field ranges\[0\]\[1\]: expected a hex or decimal string, got an array of 1 value/);
    expect(oneLine(() => parseMemoryMap(`${"[".repeat(1e6)}${"]".repeat(1e6)}`))).toMatch(/a range array needs exactly \[start, end\], got 1 values/);
  });
});
