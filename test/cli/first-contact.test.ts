/**
 * The built `xenmm` at first contact: words that name Object.prototype members, unknown
 * flags and sub-verbs, missing values — each refused with exactly one line and exit 2,
 * never Node's parseArgs text or a stack trace; --version, -V and help VERB.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI, xenmm } from "../run-cli.js";

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const VERBS = "(verbs: report, pdx, bench, ring, xenstored, serve)";
/** A list others may extend: "(verbs: a, b)" in an expected message matches any list holding a and b. */
const LISTED = /^(.*) \((verbs|sub-verbs): ([^)]*)\)$/;

describe("refused input: one line, exit 2", () => {
  it.each([
    [["__proto__"], `unknown verb '__proto__' ${VERBS}`],
    [["constructor"], `unknown verb 'constructor' ${VERBS}`],
    [["toString"], `unknown verb 'toString' ${VERBS}`],
    [["hasOwnProperty"], `unknown verb 'hasOwnProperty' ${VERBS}`],
    [["rign"], `unknown verb 'rign'; did you mean ring? ${VERBS}`],
    [["--verison"], "unknown flag '--verison'; did you mean --version? (xenmm --help lists the verbs)"],
    [["help", "__proto__"], `unknown verb '__proto__' ${VERBS}`],
    [["ring", "__proto__"], "ring: unknown sub-verb '__proto__' (sub-verbs: sim, sweep, size, slots, bench, help)"],
    [["ring", "simm"], "ring: unknown sub-verb 'simm'; did you mean sim? (sub-verbs: sim, sweep, size, slots, bench, help)"],
    [["ring", "--json"], "unknown flag '--json' (see xenmm ring --help)"],
    [["xenstored", "simm"], "xenstored: unknown sub-verb 'simm'; did you mean sim? (sub-verbs: sim, bench)"],
    [["xenstored", "constructor"], "xenstored: unknown sub-verb 'constructor' (sub-verbs: sim, bench)"],
    [["xenstored", "--sockt", "/tmp/x"], "unknown flag '--sockt'; did you mean --socket? (see xenmm xenstored --help)"],
    [["xenstored", "--socket"], "--socket needs a value"],
    [["xenstored", "--socket", "--debug-x"], "--socket needs a value, not the flag '--debug-x' (write --socket=--debug-x if that is the value)"],
    [["xenstored", "--interfaces=yes"], "--interfaces takes no value (got 'yes')"],
    [["xenstored", "sim", "--domain", "3"], "unknown flag '--domain'; did you mean --domains? (see xenmm xenstored --help)"],
    [["xenstored", "sim", "--domains", "1", "--listeners", "1", "--deaths", "1", "--design", "__proto__"], /^xenmm: --design: '__proto__' is not one of legacy, new, [a-z, ]+\n$/],
    [["xenstored", "sim", "--domains", "1", "--listeners", "1", "--deaths", "1", "--design", "legcy"], /^xenmm: --design: 'legcy' is not one of legacy, new, [a-z, ]+; did you mean legacy\?\n$/],
    [["xenstored", "sim", "stray"], "unexpected argument 'stray' (see xenmm xenstored --help)"],
    [["xenstored", "bench", "stray"], "unexpected argument 'stray' (see xenmm xenstored --help)"],
    [["xenstored", "bench-vs-c", "stray"], "unexpected argument 'stray' (see xenmm xenstored --help)"],
    [["xenstored", "bench-vs-c", "--cpu", "99999"], /^xenmm: --cpu: '99999' is outside 0\.\.\d+\n$/],
    [["bench", "--parse", "--offset-kernels"], "--parse and --offset-kernels are two different runs: pick one"],
    [["ring", "sweep", "--vcpus", Array.from({ length: 1025 }, (_, i) => i + 1).join(",")], "--vcpus: 1025 entries; at most 1024"],
    [["ring", "sim", "--desgn", "new"], "unknown flag '--desgn'; did you mean --design? (see xenmm ring sim --help)"],
    [["ring", "sim", "--policy", "toString"], "--policy: 'toString' is not one of drop, overwrite"],
    [["ring", "slots", "--pages", "\u001b[2J"], "--pages: \"\\u001b[2J\" is not an integer"],
    [["pdx", "xen-1", "--bogus"], "unknown flag '--bogus' (see xenmm pdx --help)"],
    [["pdx", "xen-1", "--jsn"], "unknown flag '--jsn'; did you mean --json? (see xenmm pdx --help)"],
    [["pdx", "xen-1", "--arch"], "--arch needs a value"],
    [["report", "--html"], "--html needs a value"],
    [["report", "extra"], "unexpected argument 'extra' (see xenmm report --help)"],
    [["serve", "--prot", "0"], "unknown flag '--prot'; did you mean --port? (see xenmm serve --help)"],
    [["bench", "--quick", "--item", "5"], "unknown flag '--item'; did you mean --items? (see xenmm bench --help)"],
  ] as Array<[string[], string | RegExp]>)("%j", async (args, message) => {
    const r = await xenmm(...args);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    if (message instanceof RegExp) return expect(r.stderr).toMatch(message);
    const want = LISTED.exec(message);
    if (!want) return expect(r.stderr).toBe(`xenmm: ${message}\n`);
    const got = LISTED.exec(r.stderr.replace(/\n$/, ""));
    expect([got?.[1], got?.[2]]).toEqual([`xenmm: ${want[1]}`, want[2]]);
    expect(got![3]!.split(", ")).toEqual(expect.arrayContaining(want[3]!.split(", ")));
  });

  it.each([["__proto__"], ["constructor"], ["toString"], ["hasOwnProperty"]])("--arch %s names the arches", async (arch) => {
    const r = await xenmm("pdx", "xen-1", "--arch", arch);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^xenmm: unknown arch '${arch}'; choose one of x86-64, [^\\n]*\\n$`));
  });

  it("a word of 100,000 characters is echoed cut short, still one line", async () => {
    const r = await xenmm("x".repeat(100_000));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^xenmm: unknown verb '${"x".repeat(60)}…' \\(verbs: [a-z, ]+\\)\n$`));
  });

  it("an unwritable output file is the system's refusal, not a bug", async () => {
    const r = await xenmm("report", "--html", "/proc/xenmm-report.html");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("xenmm: ENOENT: no such file or directory, open '/proc/xenmm-report.html'\n");
  });

  it("--debug adds the stack of a refusal, and is accepted anywhere before --", async () => {
    const plain = await xenmm("report", "--html", "/proc/xenmm-report.html");
    const debug = await xenmm("report", "--debug", "--html", "/proc/xenmm-report.html");
    expect(debug.code).toBe(2);
    expect(debug.stderr.startsWith(plain.stderr)).toBe(true);
    expect(debug.stderr).toMatch(/\n {4}at .*report\.js/);
  });
});

describe("inputs that report no size are read up to a limit", () => {
  it("pdx /dev/zero stops at 512 MiB with one line instead of exhausting memory", async () => {
    expect(await xenmm("pdx", "/dev/zero")).toEqual({ code: 2, stdout: "", stderr: "xenmm: '/dev/zero' is larger than 512 MiB; no memory map is\n" });
  });
});

describe("a reader that stops early (xenmm … | head)", () => {
  it("ends the run quietly with exit 0", async () => {
    const vcpus = Array.from({ length: 300 }, (_, i) => i + 1).join(",");
    const child = spawn(process.execPath, [CLI, "ring", "sim", "--vcpus", vcpus, "--duration-ms", "1", "--json"],
      { env: { ...process.env, XENMM_PROGRESS_DELAY_MS: "600000" } }); // no summary line, however loaded the machine
    let stderr = "";
    child.stderr.on("data", (d) => { stderr += d; });
    child.stdout.once("data", () => child.stdout.destroy()); // about 300 KB more are still to come
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect([code, stderr]).toEqual([0, ""]);
  });
});

describe("--version and help", () => {
  it.each([["--version"], ["-V"]])("%s prints the package version", async (flag) => {
    expect(await xenmm(flag)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it.each([
    [["help", "pdx"], ["pdx", "--help"]],
    [["help", "ring"], ["ring", "--help"]],
    [["help", "ring", "sim"], ["ring", "sim", "--help"]],
    [["help", "xenstored"], ["xenstored", "--help"]],
    [["help", "serve"], ["serve", "--help"]],
  ])("%j prints what %j prints", async (help, direct) => {
    const a = await xenmm(...help);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^usage:/);
    expect(a).toEqual(await xenmm(...direct));
  });

  it("help alone lists every verb with --version and help VERB", async () => {
    const r = await xenmm("help");
    expect(r.code).toBe(0);
    for (const verb of ["report", "pdx", "bench", "ring", "xenstored", "serve"]) expect(r.stdout).toMatch(new RegExp(`^  ${verb} +\\S`, "m"));
    expect(r.stdout).toContain("xenmm help VERB");
    expect(r.stdout).toContain("--version");
  });
});
