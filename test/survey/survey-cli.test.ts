/**
 * `xenmm survey` end to end (issue 10 §3): the embedded corpus by default, files and
 * directories otherwise; per-machine JSON equal to `xenmm pdx FILE --json`; failing inputs
 * listed while the survey goes on; aggregates that follow from the machines; CSV and HTML.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { xenmm } from "../run-cli.js";

const fixtures = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "xenmm-survey-"));

interface Machine { file: string; arch: string; compresses: boolean; saving: number; pdx_none: string; schemes: Record<string, { frametable_bytes: string }>; default_scheme: string }
interface SurveyJson { machines: Machine[]; failed: Array<{ file: string; error: string }>; by_arch: Record<string, Record<string, number>>; answer: string }

async function survey(...args: string[]): Promise<{ stdout: string; json: SurveyJson }> {
  const file = join(out, `s${Math.random().toString(36).slice(2)}.json`);
  const r = await xenmm("survey", ...args, "--json", file);
  expect(r.code).toBe(0);
  return { stdout: r.stdout, json: JSON.parse(readFileSync(file, "utf8")) };
}

describe("the embedded corpus (no PATH)", () => {
  let s: { stdout: string; json: SurveyJson };
  beforeAll(async () => { s = await survey("--csv", join(out, "c.csv"), "--html", join(out, "c.html")); });

  it("reads all 41 logs, each on the arch its INDEX.tsv category names", () => {
    const index = readFileSync(fixtures("real-hosts/INDEX.tsv"), "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split("\t"));
    const arch = (category: string) => (category.startsWith("arm") ? category : "x86-64");
    expect(s.json.failed).toEqual([]);
    expect(s.json.machines.map((m) => [m.file, m.arch]).sort()).toEqual(index.map(([file, , , category]) => [`real-hosts/${file}`, arch(category)]).sort());
  });
  it("a saving is the uncompressed frame table over the default scheme's; aggregates follow from the machines", () => {
    for (const m of s.json.machines) {
      const ratio = Number(BigInt(m.schemes.none.frametable_bytes)) / Number(BigInt(m.schemes[m.default_scheme].frametable_bytes));
      expect(m.saving).toBeCloseTo(m.compresses ? ratio : 1, 2);
    }
    for (const [arch, a] of Object.entries(s.json.by_arch)) {
      const ms = s.json.machines.filter((m) => m.arch === arch);
      const savings = ms.map((m) => m.saving).sort((x, y) => x - y);
      const mid = savings.length >> 1;
      expect(a.machines).toBe(ms.length);
      expect(a.compress).toBe(ms.filter((m) => m.compresses).length);
      expect(a.median_saving).toBeCloseTo(savings.length % 2 ? savings[mid] : (savings[mid - 1] + savings[mid]) / 2, 1);
      expect(a.max_saving).toBeCloseTo(Math.max(...savings), 1);
      expect(a.pdx_none_breaks).toBe(ms.filter((m) => m.pdx_none !== "fine").length);
    }
  });
  it("the Kunpeng servers compress under mask and panic without PDX on Arm64's 32 GiB frame table", () => {
    const k = s.json.machines.find((m) => m.file.endsWith("51-huawei-taishan-200-kunpeng-2s.log"))!;
    expect(k).toMatchObject({ arch: "arm64", compresses: true, pdx_none: "frametable-too-small" });
    expect(s.json.by_arch.arm64).toMatchObject({ machines: 6, pdx_none_breaks: 2 });
    expect(s.json.by_arch["x86-64"]).toMatchObject({ machines: 34 });
  });
  it("prints the per-arch table and the answer; the answer quotes the numbers", () => {
    expect(s.stdout).toMatch(/^arch\s+machines\s+compress\s+share\s+median saving\s+max saving\s+PDX_NONE breaks/);
    expect(s.stdout).toMatch(/x86-64\s+34\s+/);
    const a = s.json.by_arch.arm64;
    expect(s.json.answer).toContain(`arm64: the default scheme compresses ${a.compress} of ${a.machines}`);
    expect(s.stdout.trim().endsWith(s.json.answer)).toBe(true);
  });
  it("writes the CSV (a row per machine) and an HTML page with the chart", () => {
    const csv = readFileSync(join(out, "c.csv"), "utf8").trim().split("\n");
    expect(csv[0].split(",").slice(0, 3)).toEqual(["file", "arch", "arch_source"]);
    expect(csv).toHaveLength(42);
    const page = readFileSync(join(out, "c.html"), "utf8");
    expect(page).toContain("<svg");
    expect(page).toContain("Frame-table saving");
  });
  it("npm start (xenmm report) ends with the same answer", async () => {
    const r = await xenmm("report", "--html", join(out, "r.html"));
    expect(r.stdout.trim().endsWith(s.json.answer)).toBe(true);
  });
});

describe("files and directories", () => {
  it("each machine's JSON equals xenmm pdx FILE --json", async () => {
    const { json } = await survey(fixtures("boot-logs"), fixtures("real-hosts/09-huawei-taishan-200-kunpeng.log"), fixtures("real-hosts/57-hardkernel-odroid-u3-armv7.log"), "real-hosts/27-gigabyte-r182-z91-2tb.log");
    expect(json.failed).toEqual([]);
    expect(json.machines.length).toBe(readdirSync(fixtures("boot-logs")).length + 3);
    for (const { file, ...machine } of json.machines) {
      const pdx = await xenmm("pdx", file, "--json");
      expect(machine, file).toEqual(JSON.parse(pdx.stdout));
    }
  });
  it("lists what it cannot read, with the reason, and goes on", async () => {
    const dir = join(out, "mixed");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "garbage.txt"), "this is not a memory map\n");
    writeFileSync(join(dir, "deep.json"), `${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    writeFileSync(join(dir, "sub", "ok.log"), readFileSync(fixtures("real-hosts/60-raspberry-pi-4b-8g-arm64.log")));
    symlinkSync(join(dir, "missing"), join(dir, "dangling"));
    symlinkSync(dir, join(dir, "sub", "loop"));
    const { json, stdout } = await survey(dir, join(out, "no-such-file"));
    expect(json.machines.map((m) => m.file)).toEqual([join(dir, "sub", "ok.log")]);
    const failed = Object.fromEntries(json.failed.map((f) => [f.file.replace(`${out}/`, ""), f.error]));
    expect(failed).toMatchObject({
      "mixed/dangling": expect.stringMatching(/cannot read .* \(ENOENT\)/),
      "mixed/deep.json": expect.stringMatching(/a range array needs exactly \[start, end\], got 1 values/),
      "mixed/empty.txt": expect.stringMatching(/no RAM ranges found/),
      "mixed/garbage.txt": expect.stringMatching(/line 1: expected 'START END'/),
      "mixed/sub/loop": expect.stringMatching(/already surveyed/),
      "no-such-file": expect.stringMatching(/ENOENT/),
    });
    expect(stdout).toContain("1 machine read, 6 failed");
    expect(json.answer).toMatch(/^Of 1 machine surveyed \(6 more could not be read\)/);
  });
  it("a copied /sys/firmware/memmap directory is one machine, not one per file", async () => {
    const dir = join(out, "host", "memmap");
    for (const l of readFileSync(fixtures("boot-logs/sysfs-firmware-memmap.txt"), "utf8").split("\n").filter((x) => x.startsWith("/sys"))) {
      const [, index, key, value] = /memmap\/(\d+)\/(\w+):(.*)/.exec(l)!;
      mkdirSync(join(dir, index), { recursive: true });
      writeFileSync(join(dir, index, key), `${value}\n`);
    }
    const { json } = await survey(join(out, "host"));
    expect(json.failed).toEqual([]);
    expect(json.machines.map((m) => [m.file, m.arch])).toEqual([[dir, "x86-64"]]);
  });
  it("an empty directory gives an answer that says it cannot answer", async () => {
    const dir = join(out, "none");
    mkdirSync(dir);
    expect((await survey(dir)).json).toMatchObject({ machines: [], failed: [], by_arch: {}, answer: "No machine could be read, so the survey cannot answer." });
  });
});
