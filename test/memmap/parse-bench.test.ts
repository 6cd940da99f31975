/** The parse benchmark runs end to end (times are measured there, not asserted here). */
import { describe, expect, it } from "vitest";
import { runParseBench } from "../../bench/parse.js";

describe("bench/parse.ts --quick", () => {
  it("parses every generated input: one RAM range per record at every size", async () => {
    const report = await runParseBench({ quick: true, formats: ["xen-log", "dts", "json"] });
    expect(report.sizes).toEqual([1e3, 1e4, 1e5, 1e6]);
    for (const format of ["xen-log", "dts", "json"]) {
      const rows = report.rows.filter((r) => r.format === format);
      expect(rows.map((r) => r.bytes >= 1e3 && r.bytes < 1e3 + 1000)).toEqual([true, false, false, false]);
      // Records are the same size at every scale, so ranges grow with bytes (a parser that dropped lines would not).
      const perKb = rows.map((r) => r.ranges / (r.bytes / 1e3));
      for (const x of perKb.slice(1)) expect(x).toBeCloseTo(perKb.at(-1)!, 0);
      expect(rows.at(-1)!.vs_1mb).toBe(1);
    }
  }, 120_000);
});
