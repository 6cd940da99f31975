/**
 * Issue 10 §2: `xenmm pdx` runs a map on its own architecture unless --arch says
 * otherwise, says where the arch came from, and reports the map as setup sees it. The
 * catalogue report (npm start) and `xenmm pdx` agree on the same entry.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xenmm } from "../run-cli.js";

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;
const pdx = async (...args: string[]) => {
  const r = await xenmm("pdx", ...args, "--json");
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
};

describe("the default arch", () => {
  it.each([
    ["intel-gnr-4s", "x86-64", "catalogue"],
    ["xen-0", "harness", "catalogue"],
    ["arm-fvp", "arm64", "catalogue"],
    [fixture("real-hosts/03-supermicro-h8qg6.log"), "x86-64", "input"],
    [fixture("boot-logs/xen-4.11-efi-ram-map-dash.log"), "x86-64", "input"],
    [fixture("real-hosts/09-huawei-taishan-200-kunpeng.log"), "arm64", "input"],
    [fixture("real-hosts/57-hardkernel-odroid-u3-armv7.log"), "arm32", "input"],
    ["real-hosts/60-raspberry-pi-4b-8g-arm64.log", "arm64", "input"],
  ])("%s runs on %s (%s)", async (map, arch, source) => {
    expect(await pdx(map)).toMatchObject({ arch, arch_source: source });
  });
  it("device-tree cell sizes name the Arm flavour; a bare range list falls back to x86-64", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xenmm-arch-"));
    const dts = (cells: number) => `/dts-v1/;\n/ { #address-cells = <${cells}>; #size-cells = <1>;\n memory@80000000 { device_type = "memory"; reg = <${cells === 2 ? "0x0 " : ""}0x80000000 0x40000000>; };\n};\n`;
    writeFileSync(join(dir, "a64.dts"), dts(2));
    writeFileSync(join(dir, "a32.dts"), dts(1));
    writeFileSync(join(dir, "list.txt"), "0x0 0x80000000\n");
    expect(await pdx(join(dir, "a64.dts"))).toMatchObject({ arch: "arm64", arch_source: "input" });
    expect(await pdx(join(dir, "a32.dts"))).toMatchObject({ arch: "arm32", arch_source: "input" });
    expect(await pdx(join(dir, "list.txt"))).toMatchObject({ arch: "x86-64", arch_source: "default" });
  });
  it("--arch always wins", async () => {
    expect(await pdx("intel-gnr-4s", "--arch", "harness")).toMatchObject({ arch: "harness", arch_source: "flag", scheme: "mask" });
    expect(await pdx(fixture("real-hosts/60-raspberry-pi-4b-8g-arm64.log"), "--arch", "x86-64")).toMatchObject({ arch: "x86-64", arch_source: "flag" });
  });
  it("npm start's report and xenmm pdx agree on every catalogue entry", async () => {
    const report = JSON.parse((await xenmm("report", "--json", "--html", join(mkdtempSync(join(tmpdir(), "xenmm-r-")), "r.html"))).stdout);
    for (const id of ["intel-gnr-4s", "arm-fvp", "calxeda-midway", "xen-9"]) {
      const row = report.find((r: { map: string }) => r.map === id);
      const p = await pdx(id);
      expect([p.arch, p.default_scheme, p.compressed, p.frametable_bytes]).toEqual([row.arch, row.default_scheme, row.schemes[row.default_scheme].compressed, row.schemes[row.default_scheme].frametable_bytes]);
    }
  });
});

describe("the map as setup sees it", () => {
  it("SRAT ranges with nodes, e820 RAM for coverage, the lines they came from, the machine", async () => {
    const r = await pdx(fixture("real-hosts/12-huawei-2288h-v5.log"));
    expect(r).toMatchObject({ format: "linux-srat", machine: "Huawei 2288H V5/BC11SPSCB0" });
    const text = readFileSync(fixture("real-hosts/12-huawei-2288h-v5.log"), "utf8").split("\n");
    // Each range is the [mem a-b] of the line it names, end made exclusive.
    r.ranges.forEach(([start, end]: [string, string], i: number) => {
      const [a, b] = /\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(text[r.lines_used.ranges[i] - 1])!.slice(1);
      expect([BigInt(start), BigInt(end)]).toEqual([BigInt(a), BigInt(b) + 1n]);
      expect(text[r.lines_used.ranges[i] - 1]).toContain(`SRAT: Node ${r.nodes[i]} `);
    });
    r.coverage_ranges.forEach(([start, end]: [string, string], i: number) => {
      const line = text[r.lines_used.coverage_ranges[i] - 1];
      expect(line).toMatch(/BIOS-e820: .* usable$/);
      expect(line).toContain(`[mem 0x${BigInt(start).toString(16).padStart(16, "0")}-0x${(BigInt(end) - 1n).toString(16).padStart(16, "0")}]`);
    });
  });
  it("a map without SRAT has no separate coverage ranges, and nodes are unknown", async () => {
    const r = await pdx(fixture("real-hosts/102-dell-latitude-e6410.log"));
    expect([r.format, r.coverage_ranges, r.nodes]).toEqual(["linux-e820", null, [null, null, null]]);
  });
  it("a /sys/firmware/memmap directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xenmm-memmap-"));
    const entries = readFileSync(fixture("boot-logs/sysfs-firmware-memmap.txt"), "utf8").split("\n").filter((l) => l.startsWith("/sys"));
    for (const l of entries) {
      const [, index, key, value] = /memmap\/(\d+)\/(\w+):(.*)/.exec(l)!;
      mkdirSync(join(dir, index), { recursive: true });
      writeFileSync(join(dir, index, key), `${value}\n`);
    }
    const r = await pdx(dir);
    expect(r).toMatchObject({ format: "sysfs-memmap", arch: "x86-64", arch_source: "input", ranges: [["0x0", "0x9fc00"], ["0x100000", "0xbff80000"], ["0x100000000", "0x1040000000"]] });
  });
});
