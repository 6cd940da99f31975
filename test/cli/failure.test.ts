/** How the CLI reports a failure: the line, the exit status, and the stack only under --debug. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { EXIT_BUG, EXIT_REFUSED, reportFailure } from "../../src/cli/failure.js";
import { didYouMean, nearestName, quoteWord } from "../../src/cli/suggest.js";

function report(e: unknown, debug = false): { status: number; lines: string[] } {
  const lines: string[] = [];
  const status = reportFailure(e, { debug, version: "9.9.9", write: (l) => lines.push(l) });
  return { status, lines };
}

const HINT = "This is a bug in xenmm 9.9.9; please report it with the command you ran (--debug shows the stack).";

describe("reportFailure", () => {
  it("refused input: one line, exit 2; the first line of a longer message", () => {
    expect(report(new UsageError("--x: bad\nusage: …"))).toEqual({ status: EXIT_REFUSED, lines: ["xenmm: --x: bad"] });
  });

  it("a failed system call on a user's path is refused input too", () => {
    let e: unknown;
    try { readFileSync("/nonexistent/xenmm"); } catch (x) { e = x; }
    expect(report(e)).toEqual({ status: EXIT_REFUSED, lines: ["xenmm: ENOENT: no such file or directory, open '/nonexistent/xenmm'"] });
  });

  it("a bug: one line naming it and a line asking for a report", () => {
    expect(report(new TypeError("x is not a function"))).toEqual({ status: EXIT_BUG, lines: ["xenmm: internal error: TypeError: x is not a function", HINT] });
    expect(report("thrown string")).toEqual({ status: EXIT_BUG, lines: ["xenmm: internal error: thrown string", HINT] });
    expect(report(Object.create(null))).toEqual({ status: EXIT_BUG, lines: ["xenmm: internal error: object", HINT] });
    // an Error whose code looks like errno but that no system call raised is still a bug
    expect(report(Object.assign(new Error("odd"), { code: "EODD" })).status).toBe(EXIT_BUG);
  });

  it("--debug: the stack instead of the hint, and after a refusal", () => {
    const bug = report(new RangeError("boom"), true);
    expect(bug.status).toBe(EXIT_BUG);
    expect(bug.lines[0]).toBe("xenmm: internal error: RangeError: boom");
    expect(bug.lines[1]).toMatch(/^RangeError: boom\n {4}at /);
    const refusal = report(new UsageError("nope"), true);
    expect(refusal.lines[0]).toBe("xenmm: nope");
    expect(refusal.lines[1]).toMatch(/^UsageError: nope\n {4}at /);
  });
});

describe("did you mean", () => {
  const flags = ["--design", "--domains", "--deaths", "--json", "--html", "--help", "-h"];
  it.each([
    ["--desgn", "--design"], ["--dseign", "--design"], ["--jsno", "--json"], ["--domain", "--domains"], ["--HTML", "--html"],
  ])("%s → %s", (typo, want) => {
    expect(nearestName(typo, flags)).toBe(want);
  });
  it.each([["--bogus"], ["--x"], [""], ["__proto__"], ["z".repeat(100_000)]])("%s: no suggestion", (word) => {
    expect(didYouMean(word, flags)).toBe("");
  });
  it("sub-verbs and verbs", () => {
    expect(didYouMean("simm", ["sim", "bench"])).toBe("; did you mean sim?");
    expect(didYouMean("rign", ["report", "pdx", "ring"])).toBe("; did you mean ring?");
  });
  it("quoteWord escapes control characters and cuts long words", () => {
    expect(quoteWord("ok")).toBe("'ok'");
    expect(quoteWord("a\nb\u001b[2J")).toBe('"a\\nb\\u001b[2J"');
    expect(quoteWord("y".repeat(61))).toBe(`'${"y".repeat(60)}…'`);
  });
});
