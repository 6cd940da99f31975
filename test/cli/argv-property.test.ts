/**
 * Property: whatever words a user types, the built CLI ends with exit 0 (it did something)
 * or 2 (it refused, in one line), within bounded time, and never shows a stack frame or
 * Node's own parseArgs text. Runs in a scratch directory: verbs that write files write there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { xenmmWith } from "../run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "xenmm-argv-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Words that break naive lookups, number parsing and terminals; harmless as file names in
 * `scratch`. No NUL: a process argument cannot hold one.
 */
const HOSTILE = [
  "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "", " ", "-", "--", "-1", "NaN",
  "Infinity", "1e999", "0x", "0xffffffffffffffffffff", "99999999999999999999", "1,,2", "🙂", "\u001b[2J", "a\nb", "%s%n",
  "x".repeat(5000),
];
const FLAGS = [
  "--arch", "--scheme", "--max-order", "--base", "--table-order", "--probe", "--json", "--help", "-h", "--html", "--quick", "--items",
  "--threads", "--verify", "--design", "--vcpus", "--pages", "--policy", "--sync-rate", "--async-rate", "--service-us", "--service-dist",
  "--notify", "--duration-ms", "--seed", "--svg-dir", "--socket", "--log-level", "--interfaces", "--domains", "--listeners", "--deaths",
  "--query-cost-us", "--engine", "--sweep", "--max-domains", "--svg", "--port", "--host", "--debug", "--version", "-V",
  "--desgn", "--jsn", "--sockt", "--vcpu", "-x", "---", "--__proto__", "--constructor",
];
/** Verbs that finish quickly whatever valid flags they get (all values above are invalid or harmless). */
const QUICK_HEADS = [[], ["pdx"], ["pdx", "xen-1"], ["report"], ["ring"], ["ring", "sim"], ["ring", "slots"], ["ring", "sweep"], ["xenstored", "sim"], ["help"], ["help", "ring"]];
/** Verbs that serve, benchmark or read whole trees when their arguments are valid: always given an unknown flag first. */
const LONG_HEADS = [["serve"], ["bench"], ["ring", "bench"], ["xenstored"], ["xenstored", "bench"], ["survey"]];

// Random words stay inside `scratch` when used as paths: no "/", no leading ".".
const word = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }).filter((w) => !/[\0/]|^\./.test(w)));
const token = fc.oneof(
  word,
  fc.constantFrom(...FLAGS),
  fc.tuple(fc.constantFrom(...FLAGS), word).map(([f, v]) => `${f}=${v}`),
);
const argv = fc.oneof(
  fc.tuple(fc.constantFrom(...QUICK_HEADS), fc.array(token, { maxLength: 4 })).map(([head, rest]) => [...head, ...rest]),
  fc.tuple(fc.constantFrom(...LONG_HEADS), fc.array(token, { maxLength: 4 })).map(([head, rest]) => [...head, "--no-such-flag", ...rest]),
  fc.tuple(fc.constantFrom(...HOSTILE), fc.array(token, { maxLength: 3 })).map(([verb, rest]) => [verb, ...rest]),
  fc.tuple(fc.constantFrom(...QUICK_HEADS), fc.array(fc.tuple(fc.constantFrom(...FLAGS), word), { maxLength: 3 }))
    .map(([head, pairs]) => [...head, ...pairs.flat()]),
);

describe("random argv against the built CLI", () => {
  it("exits 0 or 2, says at most three lines on stderr, never a stack frame or Node's parser text", async () => {
    await fc.assert(fc.asyncProperty(argv, async (args) => {
      const r = await xenmmWith({ cwd: scratch, timeoutMs: 30_000 }, ...args);
      expect([0, 2], `${JSON.stringify(args)} exited ${r.code}: ${r.stderr}`).toContain(r.code);
      if (r.code === 2) expect(r.stderr).toMatch(/^xenmm: /);
      expect(r.stderr).not.toMatch(/parseArgs|ERR_PARSE_ARGS|To specify a positional argument|internal error/);
      const end = args.indexOf("--");
      if ((end < 0 ? args : args.slice(0, end)).includes("--debug")) return; // asked for the stack
      expect(r.stderr.split("\n").filter((l) => l !== "").length).toBeLessThanOrEqual(3);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }), { numRuns: 60 });
  }, 600_000);
});
