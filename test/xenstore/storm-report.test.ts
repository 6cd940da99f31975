/** What the CLI and the page show of the release storm, built once (src/xenstore/storm-report.ts). */
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { escapeXml } from "../../src/report/svg.js";
import { simulateReleaseStorm } from "../../src/xenstore/release-storm.js";
import {
  DESIGN_CHOICES, DESIGN_NAMES, STORM_HEADER, STORM_LIMITS, checkStormSize, designsOf, queriesChart, stormBars, stormRow,
  stormTable, sweepPage, sweepSizes,
} from "../../src/xenstore/storm-report.js";

const legacy = simulateReleaseStorm({ domains: 2, listeners: 2, deaths: 2, design: "legacy" });

describe("storm report", () => {
  it("one row per run, in the header's order", () => {
    expect(STORM_HEADER).toHaveLength(10);
    expect(stormRow(legacy)).toEqual(["legacy", "2", "2", "2", "8", "0.008", "3", "1", "13", "14"]);
    expect(stormRow({ ...legacy, queries: 1234567 }, (v) => v.toLocaleString("en"))[4]).toBe("1,234,567");
    const lines = stormTable([legacy]).split("\n");
    expect(lines[0]).toMatch(/^design\s+domains\s+listeners/);
    expect(lines.at(-1)).toMatch(/^legacy\s+2\s+2\s+2\s+8\s+0\.008\s+3\s+1\s+13\s+14$/);
  });

  it("design choices expand to designs", () => {
    expect(DESIGN_CHOICES).toEqual(["legacy", "new", "toolstack", "both", "all"]);
    expect(designsOf("all")).toEqual(["legacy", "new", "toolstack"]);
    expect(designsOf("both")).toEqual(["legacy", "new"]);
    expect(designsOf("toolstack")).toEqual(["toolstack"]);
  });

  it("sweep sizes stop at the largest N and always include it", () => {
    expect(sweepSizes(100)).toEqual([10, 20, 50, 100]);
    expect(sweepSizes(150)).toEqual([10, 20, 50, 100, 150]);
    expect(sweepSizes(5)).toEqual([5]);
    expect(sweepSizes(STORM_LIMITS.sweepDomains).at(-1)).toBe(100_000);
  });

  it("refuses sizes outside the limits with a typed error naming the field", () => {
    expect(() => checkStormSize({ domains: 2, listeners: 1, deaths: 3 })).toThrow(InvalidArgumentError);
    expect(() => checkStormSize({ domains: 2, listeners: 1, deaths: 3 })).toThrow(/^deaths: must be an integer within 0\.\.2$/);
    expect(() => checkStormSize({ domains: STORM_LIMITS.domains + 1, listeners: 0, deaths: 0 })).toThrow(/^domains:/);
    expect(() => checkStormSize({ domains: 1, listeners: 0.5, deaths: 0 })).toThrow(/^listeners:/);
    expect(() => checkStormSize({ domains: 1, listeners: Number.NaN, deaths: 0 })).toThrow(/^listeners:/);
    expect(() => checkStormSize({ domains: STORM_LIMITS.domains, listeners: STORM_LIMITS.listeners, deaths: 0 })).not.toThrow();
  });

  it("charts name every design and the page carries the table", () => {
    const runs = sweepSizes(20).flatMap((n) => designsOf("all").map((design) => simulateReleaseStorm({ domains: n, listeners: n, deaths: n, design })));
    const svg = queriesChart(runs);
    for (const d of designsOf("all")) expect(svg).toContain(`<text x="14">${escapeXml(DESIGN_NAMES[d])}</text>`);
    const page = sweepPage(runs, 1);
    expect(page.match(/<svg/g)).toHaveLength(4);
    expect(page).toContain("<th>lock hold ms</th>");
    expect(stormBars(runs.slice(0, 2))).toContain("Release storm: 10 domains, 10 listeners, 10 deaths");
  });
});
